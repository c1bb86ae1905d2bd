from app.api import bp
from app.api.payloads.answers import VoteState
from app.api.ratelimits import reader_write_limit
from app.services.votes import vote
from app.web.parsing import json_body
from app.web.viewer import current_viewer


@bp.post("/comments/<id:comment_id>/votes")
@reader_write_limit("PARLEY_VOTE_RATE")
def vote_on_comment(comment_id: int):
    """Vote a comment up (1) or down (-1), or take the vote back (0)."""
    data = json_body()
    result = vote(comment_id, data.get("value"), current_viewer())
    answer: VoteState = {"score": result.score, "mine": result.mine}
    return answer
