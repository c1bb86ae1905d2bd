"""Security headers every response carries unless its view says otherwise: set in one place.

* ``X-Content-Type-Options: nosniff`` everywhere.
* ``Referrer-Policy: same-origin`` unless the view chose another (the widget frame does).
* Framing: no page may be framed by another site, except the widget frame, whose
  Content-Security-Policy names the site's registered origins in ``frame-ancestors``. A response
  whose CSP has no ``frame-ancestors`` gets ``frame-ancestors 'none'`` (added to its CSP, or as
  its CSP), and every response without one of its own gets ``X-Frame-Options: DENY`` for older
  browsers. The sign-in page, error pages, the API's answers and the demo page are covered so.

Views set only what differs (the dashboard its CSP, the frame its CSP and referrer policy); the
defaults are applied after them with ``setdefault``, error responses included.
"""

from __future__ import annotations

from flask import Flask, Response

NO_FRAMING = "frame-ancestors 'none'"


def apply_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        headers["Content-Security-Policy"] = NO_FRAMING
    elif "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = f"{policy.rstrip('; ')}; {NO_FRAMING}"
    if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
        headers.setdefault("X-Frame-Options", "DENY")
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(apply_security_headers)
