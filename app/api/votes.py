from flask import current_app

from app.api import bp
from app.api.payloads.answers import VoteState
from app.api.ratelimits import caller_is_staff, caller_rate_key
from app.extensions import limiter
from app.services.votes import vote
from app.web.parsing import json_body
from app.web.viewer import current_viewer


def vote_rate() -> str:
    return current_app.config["PARLEY_VOTE_RATE"]


@bp.post("/comments/<id:comment_id>/votes")
@limiter.limit(vote_rate, key_func=caller_rate_key, exempt_when=caller_is_staff)
def vote_on_comment(comment_id: int):
    """Vote a comment up (1) or down (-1), or take the vote back (0)."""
    data = json_body()
    result = vote(comment_id, data.get("value"), current_viewer())
    answer: VoteState = {"score": result.score, "mine": result.mine}
    return answer
