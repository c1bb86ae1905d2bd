"""Pages that reply e-mails link to: one-click unsubscribe (RFC 8058) and a guest's opt-in.

Unsubscribing needs no sign-in: the signed token in the URL is the authentication, so that one
route is exempt from CSRF (a mail client's one-click POST carries no token, and the worst a
forged POST can do is stop that reader's reply e-mails, which the token already allows). A GET
never changes anything: it shows a button, because mail scanners open links. A tampered token
answers 400 and changes nothing.

Confirming reply e-mails for a guest is also a button (CSRF-protected) behind the link, so a
scanner that opens the link does not subscribe anyone.
"""

from __future__ import annotations

from flask import current_app, render_template, request

from app.auth import bp
from app.extensions import csrf
from app.limits import EMAIL_LINK_TOKEN_MAX
from app.services.email_links import read_optin_token
from app.services.errors import DomainError
from app.services.reply_subscriptions import (
    check_unsubscribe_link,
    confirm_subscription,
    unsubscribe,
)

ONE_CLICK = ("List-Unsubscribe", "One-Click")


def invalid(error: DomainError) -> tuple[str, int]:
    return render_template("auth/message.html", title="Link not valid", text=error.message), 400


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe_replies(token: str) -> tuple[str, int] | str:
    token = token[:EMAIL_LINK_TOKEN_MAX]
    try:
        check_unsubscribe_link(current_app.secret_key, token)
    except DomainError as error:
        return invalid(error)
    if request.method == "GET":
        return render_template("auth/unsubscribe.html", field=ONE_CLICK)
    if request.form.get(ONE_CLICK[0]) != ONE_CLICK[1]:
        text = "Send List-Unsubscribe=One-Click to stop reply e-mails."
        return render_template("auth/message.html", title="Nothing changed", text=text), 400
    unsubscribe(current_app.secret_key, token)
    text = (
        "You will get no more reply e-mails. Readers with an account can turn them on again "
        "in their profile."
    )
    return render_template("auth/message.html", title="Unsubscribed", text=text)


@bp.route("/replies/<token>", methods=["GET", "POST"])
def confirm_replies(token: str) -> tuple[str, int] | str:
    token = token[:EMAIL_LINK_TOKEN_MAX]
    try:
        read_optin_token(current_app.secret_key, token)
        if request.method == "GET":
            return render_template("auth/confirm_replies.html")
        confirm_subscription(current_app.secret_key, token)
    except DomainError as error:
        return invalid(error)
    text = "Thank you: you will get an e-mail when someone replies to your comment."
    return render_template("auth/message.html", title="Reply e-mails confirmed", text=text)
