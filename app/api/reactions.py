from app.api import bp
from app.api.payloads.answers import ReactionState
from app.api.ratelimits import reader_write_limit
from app.services.reactions import react
from app.web.parsing import json_body, request_source
from app.web.viewer import current_viewer


@bp.post("/reactions")
@reader_write_limit("PARLEY_REACTION_RATE")
def create_reaction():
    """Set, change or toggle off the reader's reaction to an article."""
    data = json_body()
    state = react(
        site_slug=data.get("site"),
        article_key=data.get("article"),
        kind=data.get("kind"),
        viewer=current_viewer(),
        origin=request_source(),
    )
    answer: ReactionState = {
        "reactions": state.counts,
        "mine": state.mine.value if state.mine else None,
    }
    return answer
