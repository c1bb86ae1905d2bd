from flask import current_app

from app.api import bp
from app.api.payloads.answers import ReactionState
from app.api.ratelimits import caller_is_staff, caller_rate_key
from app.extensions import limiter
from app.services.reactions import react
from app.web.parsing import json_body, request_source
from app.web.viewer import current_viewer


def reaction_rate() -> str:
    return current_app.config["PARLEY_REACTION_RATE"]


@bp.post("/reactions")
@limiter.limit(reaction_rate, key_func=caller_rate_key, exempt_when=caller_is_staff)
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
