"""Sign-in throttles, shared by every sign-in form (dashboard and widget frame).

* Per address: every sign-in POST from one client address counts.
* Per account: failed attempts for one submitted e-mail address count, whether or not an
  account has it, so the limit itself does not tell who has an account. Reaching it answers
  429 for that address only; the real owner signs in from another client once it passes, or
  resets the password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request

from app.extensions import limiter
from app.limits import EMAIL_MAX

SIGNIN_ADDRESS_RATE = "20/minute;100/hour"
SIGNIN_ACCOUNT_RATE = "10 per 15 minutes"


def submitted_account() -> str:
    return "signin:" + request.form.get("email", "").strip().casefold()[:EMAIL_MAX]


def failed(response: Any) -> bool:
    return response.status_code == 401


def throttled_signin(view: Callable[..., Any]) -> Callable[..., Any]:
    """Apply both sign-in limits to a view whose failed sign-ins answer 401."""
    per_account = limiter.shared_limit(
        SIGNIN_ACCOUNT_RATE,
        scope="signin-account",
        key_func=submitted_account,
        methods=["POST"],
        deduct_when=failed,
    )
    per_address = limiter.shared_limit(
        SIGNIN_ADDRESS_RATE, scope="signin-address", methods=["POST"]
    )
    return per_address(per_account(view))
