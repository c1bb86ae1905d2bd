from flask import current_app

from app.api import bp
from app.api.payloads.answers import ReportReceipt
from app.api.ratelimits import caller_is_staff, caller_rate_key
from app.extensions import limiter
from app.services.reports import report_comment
from app.web.parsing import json_body
from app.web.viewer import current_viewer


def report_rate() -> str:
    return current_app.config["PARLEY_REPORT_RATE"]


@bp.post("/comments/<id:comment_id>/reports")
@limiter.limit(report_rate, key_func=caller_rate_key, exempt_when=caller_is_staff)
def create_report(comment_id: int):
    """Report a comment to the moderators; 201 the first time, 200 on a repeat."""
    data = json_body()
    result = report_comment(comment_id, data.get("reason"), data.get("note"), current_viewer())
    report = result.report
    body: ReportReceipt = {
        "id": report.id,
        "comment_id": report.comment_id,
        "reason": report.reason.value,
        "status": "recorded",
    }
    return body, 201 if result.created else 200
