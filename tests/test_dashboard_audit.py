"""The audit trail shows every dashboard action: who, when, what, why, status before and after."""

from __future__ import annotations

import re

from tests.dashboard_support import SETTINGS_FORM, signed_in
from tests.dashboard_support import audit_rows as rows


def post(client, url: str, **form) -> None:
    response = client.post(url, data={**form, "csrf_token": client.csrf})
    assert response.status_code == 303, (url, response.get_data(as_text=True)[:300])


def test_each_comment_action_is_in_the_trail_with_who_why_and_statuses(app, world):
    mod = signed_in(app, "mod@example.org")
    comment_id, _ = world.fresh_comment()
    url = f"/moderation/comments/{comment_id}"
    post(mod, url, action="reject", reason="Off topic")
    post(mod, url, action="restore")
    post(mod, url, action="feature")
    post(mod, url, action="unfeature")
    post(mod, url, action="spam", reason="Link farm")
    post(mod, "/moderation/comments/bulk", action="approve", ids=[str(comment_id)])

    trail = rows(mod.get(url).get_data(as_text=True))
    actions = [action for action, _text in trail]
    assert actions == [
        "approve",
        "spam",
        "unfeature",
        "feature",
        "restore",
        "reject",
        "rule_hold",
    ]
    by_action = dict(trail)
    assert "News Mod" in by_action["reject"] and "Off topic" in by_action["reject"]
    assert "pending → rejected" in by_action["reject"]
    assert "rejected → approved" in by_action["restore"]
    assert "approved → spam" in by_action["spam"] and "Link farm" in by_action["spam"]
    assert "spam → approved" in by_action["approve"]
    assert "rule" in by_action["rule_hold"] and "premod" in by_action["rule_hold"]
    assert re.search(r"\d{2} \w{3} \d{4}, \d{2}:\d{2}", by_action["reject"])  # when


def test_author_article_and_settings_actions_are_in_the_audit_log(app, world):
    mod = signed_in(app, "mod@example.org")
    admin = signed_in(app, "admin@example.org")
    comment_id, article = world.fresh_comment()
    author_url = f"/moderation/comments/{comment_id}/author"
    post(mod, author_url, action="suspend", days="2", reason="Cool off")
    post(mod, author_url, action="trust")
    post(mod, author_url, action="reset")
    post(mod, author_url, action="ban", reason="Abuse")
    post(mod, "/moderation/sites/news/articles", action="close", article=article)
    post(mod, "/moderation/sites/news/articles", action="premod_on", article=article)
    page = admin.get("/moderation/sites/news/settings").get_data(as_text=True)
    assert "Settings" in page
    form = {**SETTINGS_FORM, "max_links": "5"}
    post(admin, "/moderation/sites/news/settings", **form)

    log = rows(admin.get("/moderation/audit?site=news").get_data(as_text=True))
    actions = [action for action, _ in log]
    for expected in (
        "suspend",
        "trust",
        "reset",
        "ban",
        "close_article",
        "article_premod",
        "settings_update",
    ):
        assert expected in actions, expected
    text = dict(log)
    assert "suspended on news for 2 day(s): Cool off" in text["suspend"]
    assert "banned on news: Abuse" in text["ban"] and "Author" in text["ban"]
    assert "Admin" in text["settings_update"] and "max_links" in text["settings_update"]

    only_bans = rows(admin.get("/moderation/audit?action=ban").get_data(as_text=True))
    assert [action for action, _ in only_bans] == ["ban"]
    per_user = rows(
        mod.get(f"/moderation/users/{world.author_id}?site=news").get_data(as_text=True)
    )
    assert {"suspend", "trust", "reset", "ban"} <= {action for action, _ in per_user}
    per_comment = rows(mod.get(f"/moderation/audit?comment={comment_id}").get_data(as_text=True))
    assert {"rule_hold", "ban"} <= {action for action, _ in per_comment}


def test_a_moderator_sees_only_their_sites_in_the_audit_log(app, world):
    mod = signed_in(app, "mod@example.org")
    comment_id, _ = world.fresh_comment()
    post(mod, f"/moderation/comments/{comment_id}", action="approve")
    other = signed_in(app, "othermod@example.org")
    assert rows(other.get("/moderation/audit").get_data(as_text=True)) == []
    assert other.get("/moderation/audit?site=news").status_code == 403
    assert len(rows(mod.get("/moderation/audit").get_data(as_text=True))) == 2
