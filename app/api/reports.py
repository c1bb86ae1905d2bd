from app.api import bp
from app.api.payloads.answers import ReportReceipt
from app.api.ratelimits import reader_write_limit
from app.services.reports import report_comment
from app.web.parsing import json_body
from app.web.viewer import current_viewer


@bp.post("/comments/<id:comment_id>/reports")
@reader_write_limit("PARLEY_REPORT_RATE")
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
