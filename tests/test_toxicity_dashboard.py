"""The dashboard side of toxicity: scores beside queue items, most toxic first, settings."""

from __future__ import annotations

import re

from app.services.site_settings import apply_site_settings
from tests.dashboard_support import save_settings, signed_in
from tests.factories import post_ok

ITEM_RE = re.compile(r'data-comment-id="(\d+)"')
SCORE_RE = re.compile(r'data-toxicity="([0-9.]+)"')


def test_queue_shows_each_score_and_sorts_most_toxic_first(app, world, client):
    """The shared world's news site is pre-moderated: every comment waits in pending."""
    ids = [
        post_ok(client, body=body)["id"]
        for body in (
            "Thanks for the clear report on the budget.",
            "You are a fucking idiot.",
            "Der Stadtrat hat wieder nichts entschieden.",  # not scored
            "What a stupid and ignorant idea.",
        )
    ]
    mod = signed_in(app, "mod@example.org")
    page = mod.get("/moderation/queue/pending").get_data(as_text=True)
    assert [int(i) for i in ITEM_RE.findall(page)] == ids  # pending: oldest first
    assert len(SCORE_RE.findall(page)) == 3  # the German comment has no score to show
    assert "toxicity 0." in page or "toxicity 1." in page

    toxic_first = mod.get("/moderation/queue/pending?sort=toxicity").get_data(as_text=True)
    order = [int(i) for i in ITEM_RE.findall(toxic_first)]
    scores = [float(s) for s in SCORE_RE.findall(toxic_first)]
    assert scores == sorted(scores, reverse=True)
    assert order[0] == ids[1] and order[-1] == ids[2]
    assert 'aria-current="page">most toxic first' in toxic_first

    bad = mod.get("/moderation/queue/pending?sort=rudest")
    assert bad.status_code == 400


def test_settings_page_suggests_the_recommended_thresholds_and_validates(app, world):
    admin = signed_in(app, "admin@example.org")
    page = admin.get("/moderation/sites/news/settings").get_data(as_text=True)
    assert 'name="toxicity_hold"' in page and 'name="toxicity_nudge"' in page
    assert '<option value="0.9">recommended</option>' in page
    assert '<option value="0.7">recommended</option>' in page
    assert 'name="guidelines_text"' in page and 'type="url" name="guidelines_url"' in page
    changes = {
        "toxicity_hold": "0.85",
        "toxicity_nudge": "off",
        "guidelines_text": "Be civil.",
        "guidelines_url": "https://news.example/rules",
    }
    saved = save_settings(admin, changes)
    assert saved.status_code == 303
    with app.app_context():
        values = apply_site_settings("news", {"max_links": 3}, None)
    assert (values["toxicity_hold"], values["toxicity_nudge"]) == (0.85, "off")
    assert values["guidelines_text"] == "Be civil."

    bad = save_settings(admin, {**changes, "toxicity_hold": "2"})
    assert bad.status_code == 400
    assert "toxicity_hold must be a number from 0 to 1, or off" in bad.get_data(as_text=True)
