from flask import request

from app.api import bp
from app.services.counts import count_comments
from app.web.parsing import required_arg
from app.web.serializers import json_response


@bp.get("/counts")
def get_counts():
    """Approved-comment counts for up to 100 articles; readable from any origin."""
    site = required_arg("site", "invalid_site")
    counts = count_comments(site, request.args.getlist("article"))
    return json_response({"counts": counts}, headers={"Access-Control-Allow-Origin": "*"})
