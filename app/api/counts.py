from flask import request

from app.api import bp
from app.api.parsing import required_arg
from app.services.counts import count_comments


@bp.get("/counts")
def get_counts():
    """Approved-comment counts for up to 100 articles; readable from any origin."""
    site = required_arg("site", "invalid_site")
    counts = count_comments(site, request.args.getlist("article"))
    response = {"counts": counts}
    return response, 200, {"Access-Control-Allow-Origin": "*"}
