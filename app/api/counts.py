import orjson
from flask import request

from app.api import bp
from app.errors import handle_domain_error
from app.extensions import db
from app.replicas import read_from_replica
from app.services.counts import count_comments
from app.services.errors import DomainError
from app.web.caching import is_anonymous, private, tagged_answer
from app.web.parsing import required_arg
from app.web.serializers import json_response

CORS = {"Access-Control-Allow-Origin": "*"}


@bp.get("/counts")
def get_counts():
    """Approved-comment counts for up to 100 articles; readable from any origin, errors too."""
    try:
        return counts_answer()
    except DomainError as error:
        response = handle_domain_error(error)
        response.headers.update(CORS)
        return response


def counts_answer():
    site = required_arg("site", "invalid_site")
    if is_anonymous():
        read_from_replica(db.session)
    counts = {"counts": count_comments(site, request.args.getlist("article"))}
    if is_anonymous():
        return tagged_answer(orjson.dumps(counts), CORS)
    return private(json_response(counts, headers=CORS))
