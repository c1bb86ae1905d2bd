"""Rough edges moderators and readers hit: report notes, the settings form, the audit log's
"who", placeholders under Top, Report buttons after a reload, a held comment's own text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Comment, CommentStatus
from app.services.comments import change_status
from tests.dashboard_support import signed_in
from tests.factories import make_site, post_ok
from tests.test_dashboard_audit import rows
from tests.widget_support import Browser, guest_pages  # noqa: F401 - guest_pages: autouse fixture

HOST = "https://news.example"


def test_moderators_read_what_reporters_wrote_in_the_queue_and_on_the_comment(app, world):
    comment_id, _ = world.fresh_comment()
    with app.app_context():
        change_status(db.session.get(Comment, comment_id), CommentStatus.APPROVED, action="t")
        db.session.commit()
    readers = [Browser(app) for _ in range(2)]
    notes = ["He doxxes the <b>mayor</b> in line 2", "Spam link to a casino"]
    for reader, reason, note in zip(readers, ["abuse", "spam"], notes, strict=True):
        response = reader.post(
            f"/api/v1/comments/{comment_id}/reports", json={"reason": reason, "note": note}
        )
        assert response.status_code == 201
    Browser(app).post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "other"})

    mod = signed_in(app, "mod@example.org")
    for url in ("/moderation/queue/reported", f"/moderation/comments/{comment_id}"):
        page = mod.get(url).get_data(as_text=True)
        shown = re.findall(r"<li data-report-note>(.*?)</li>", page, re.S)
        assert len(shown) == 2, url
        assert "<q>Spam link to a casino</q>" in shown[0]  # newest first
        assert "<q>He doxxes the &lt;b&gt;mayor&lt;/b&gt; in line 2</q>" in shown[1]
        assert "abuse" in shown[1] and "spam" in shown[0]


SETTINGS_FORM = {
    "premod": "on",
    "allow_guests": "on",
    "banned_words": "casino\nlottery",
    "banned_words_action": "spam",
    "suspect_words": "crypto",
    "max_links": "2",
    "new_author_comments": "1",
    "duplicate_window_minutes": "5",
    "rate_limit_posts": "0",
    "rate_limit_seconds": "60",
    "report_threshold": "4",
    "reject_reasons": "Insulting",
    "close_after_days": "",
}


class Fields(HTMLParser):
    """Each form field's value, and which are marked invalid and described by what."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.invalid: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self._field: str | None = None
        self._error: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and "name" in a:
            if a.get("aria-invalid") == "true":
                self.invalid[a["name"]] = a.get("aria-describedby", "")
            if tag == "input":
                self.values[a["name"]] = a.get("value") or ("on" if "checked" in a else "")
            self._field = a["name"] if tag == "textarea" else None
        if tag == "p" and (a.get("id") or "").startswith("error-"):
            self._error = a["id"]

    def handle_data(self, data):
        if self._field:
            self.values[self._field] = self.values.get(self._field, "") + data
        if self._error:
            self.errors[self._error] = data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._field = None
        if tag == "p":
            self._error = None


def test_an_out_of_range_setting_comes_back_beside_its_field_with_every_edit_kept(app, world):
    admin = signed_in(app, "admin@example.org")
    form = {**SETTINGS_FORM, "report_threshold": "100000", "csrf_token": admin.csrf}
    response = admin.post("/moderation/sites/news/settings", data=form)
    assert response.status_code == 400
    fields = Fields()
    fields.feed(response.get_data(as_text=True))
    assert fields.invalid == {"report_threshold": "error-report_threshold help-report_threshold"}
    assert "report_threshold must be" in fields.errors["error-report_threshold"]
    assert fields.values["report_threshold"] == "100000"
    assert fields.values["banned_words"].strip() == "casino\nlottery"
    assert fields.values["suspect_words"].strip() == "crypto"
    assert fields.values["max_links"] == "2" and fields.values["duplicate_window_minutes"] == "5"
    # Nothing was stored.
    stored = admin.get("/moderation/sites/news/settings").get_data(as_text=True)
    assert "casino" not in stored


def test_a_reader_deleting_their_own_comment_is_logged_as_the_author_not_a_rule(app, world):
    guest = Browser(app)
    with app.app_context():
        from app.services.sites import get_site

        get_site("news").premod = False
        db.session.commit()
    created = guest.comment("I take this back")
    assert guest.delete(f"/api/v1/comments/{created['id']}").status_code in (200, 204)
    with app.app_context():
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.comment_id == created["id"], AuditEntry.action == "delete_own"
            )
        )
        assert entry is not None
    admin = signed_in(app, "admin@example.org")
    trail = dict(rows(admin.get(f"/moderation/comments/{created['id']}").get_data(as_text=True)))
    who = trail["delete_own"].split()
    assert "author" in who and "rule" not in who


def test_a_placeholder_does_not_lead_under_top(app, client):
    make_site(app)
    popular = post_ok(client, body="popular, then deleted")
    ordinary = [post_ok(client, body=f"ordinary {n}") for n in range(3)]
    post_ok(client, body="keeps the placeholder", parent_id=popular["id"])
    with app.app_context():
        for comment_id, score in [
            (popular["id"], 50),
            *[(c["id"], n + 1) for n, c in enumerate(ordinary)],
        ]:
            db.session.get(Comment, comment_id).score = score
        change_status(db.session.get(Comment, popular["id"]), CommentStatus.DELETED, action="t")
        db.session.commit()
    top = client.get("/api/v1/threads?site=news&article=a1&sort=top").get_json()["comments"]
    assert [c["id"] for c in top] == [*(c["id"] for c in reversed(ordinary)), popular["id"]]
    assert top[-1]["status"] == "deleted" and top[-1]["score"] == 0
    # Paging keeps the same order, one comment at a time.
    seen, cursor = [], None
    while True:
        query = "&cursor=" + cursor if cursor else ""
        page = client.get(f"/api/v1/threads?site=news&article=a1&sort=top&limit=1{query}")
        data = page.get_json()
        seen += [c["id"] for c in data["comments"]]
        cursor = data["next_cursor"]
        if not cursor:
            break
    assert seen == [c["id"] for c in top]


class ReportButtons(HTMLParser):
    """The comment ids in the frame whose own actions include a Report button."""

    def __init__(self) -> None:
        super().__init__()
        self.current: list[str] = []
        self.with_report: set[int] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and "data-id" in a:
            self.current.append(a["data-id"])
        if tag == "button" and a.get("data-act") == "report" and self.current:
            self.with_report.add(int(self.current[-1]))

    def handle_endtag(self, tag):
        if tag == "li" and self.current:
            self.current.pop()


def test_report_buttons_stay_away_after_a_reload_on_comments_already_reported(app, client):
    make_site(app, origins=[HOST])
    reader = Browser(app)
    first, second = (post_ok(client, body=f"comment {n}") for n in range(2))
    response = reader.post(f"/api/v1/comments/{first['id']}/reports", json={"reason": "spam"})
    assert response.status_code == 201
    # The frame's page is the one every guest shares (app.widget.shared_frame); what the reader
    # reported comes with their own state, which frame.js applies (it removes those buttons).
    query = f"site=news&article=a1&origin={HOST}&url={HOST}/a1"
    buttons = ReportButtons()
    buttons.feed(reader.get(f"/embed/thread?{query}").get_data(as_text=True))
    assert buttons.with_report == {first["id"], second["id"]}
    assert reader.get(f"/embed/thread/state?{query}").get_json()["reported"] == [first["id"]]
    other = Browser(app)
    others = ReportButtons()
    others.feed(other.get(f"/embed/thread?{query}").get_data(as_text=True))
    assert others.with_report == {first["id"], second["id"]}
    assert other.get(f"/embed/thread/state?{query}").get_json()["reported"] == []


@pytest.mark.parametrize("action", ["reject", "spam"])
def test_a_comment_held_by_a_banned_word_shows_its_author_their_text_after_a_reload(
    app, client, action
):
    from app.models import Role, User
    from app.services.moderation.actions import moderate_comment
    from app.services.site_settings import update_site_settings
    from tests.factories import make_user

    make_site(app, origins=[HOST])
    admin_id = make_user(app, "admin@example.org", "Admin", role=Role.ADMIN)
    with app.app_context():
        settings = {"banned_words": ["zorblax"], "banned_words_action": action}
        update_site_settings(db.session.get(User, admin_id), "news", settings)
    author, other = Browser(app), Browser(app)
    posted = author.comment("Buy **zorblax** now")
    expected = "<p>Buy <strong>zorblax</strong> now</p>"
    assert (posted["status"], posted["html"]) == ("pending", expected)

    # After a reload: the thread API and the frame show it to its author as pending, text kept.
    (mine,) = author.thread()["comments"]
    assert (mine["id"], mine["status"], mine["html"]) == (posted["id"], "pending", expected)
    assert "banned" not in str(mine) and "rejected" not in str(mine) and "spam" not in str(mine)
    frame = f"/embed/thread?site=news&article=a1&origin={HOST}&url={HOST}/a1"
    # The frame's shared page holds no reader's own comments; their own state brings them.
    state = f"/embed/thread/state?site=news&article=a1&origin={HOST}&url={HOST}/a1"
    own = str(author.get(state).get_json()["own"])
    assert expected in own and "awaiting moderation" in own
    capped = author.thread(replies=2)["comments"]
    assert [c["html"] for c in capped] == [expected]
    # A held reply under someone else's comment too, with every replies cap.
    parent = other.comment("A parent", article="a2")
    held = author.comment("zorblax again", article="a2", parent_id=parent["id"])
    for query in ({}, {"replies": 1}):
        (top,) = author.thread("a2", **query)["comments"]
        assert [(r["id"], r["html"]) for r in top["replies"]] == [(held["id"], held["html"])]
        assert held["html"] == "<p>zorblax again</p>"
        assert other.thread("a2", **query)["comments"][0]["replies"] == []

    # Nobody else sees its text; once a moderator decides, the rules no longer hold it.
    for reader in (other.thread(), client.get("/api/v1/threads?site=news&article=a1").get_json()):
        assert "zorblax" not in str(reader)
    assert "zorblax" not in other.get(frame).get_data(as_text=True)
    with app.app_context():
        moderate_comment(posted["id"], action, db.session.get(User, admin_id))
    assert "zorblax" not in str(author.thread())
    assert "zorblax" not in author.get(frame).get_data(as_text=True)
    assert "zorblax" not in str(author.get(state).get_json())


def test_the_author_edits_or_deletes_a_comment_the_rules_hold_like_a_pending_one(app):
    from app.models import Role, User
    from app.services.site_settings import update_site_settings
    from tests.factories import make_user

    make_site(app, origins=[HOST])
    admin_id = make_user(app, "admin@example.org", "Admin", role=Role.ADMIN)
    with app.app_context():
        update_site_settings(db.session.get(User, admin_id), "news", {"banned_words": ["zorblax"]})
    author, other = Browser(app), Browser(app)
    posted = author.comment("Buy zorblax now")
    path = f"/api/v1/comments/{posted['id']}"
    assert other.patch(path, json={"body": "mine now"}).status_code in (403, 404)
    edited = author.patch(path, json={"body": "Buy it now"})
    assert edited.status_code == 200, edited.get_json()
    assert (edited.get_json()["status"], edited.get_json()["html"]) == (
        "pending",
        "<p>Buy it now</p>",
    )
    with app.app_context():
        assert db.session.get(Comment, posted["id"]).status == CommentStatus.REJECTED  # still held
    assert [c["html"] for c in author.thread()["comments"]] == ["<p>Buy it now</p>"]
    assert other.thread()["comments"] == []
    assert author.delete(path).status_code == 200
    assert author.thread()["comments"] == []
    with app.app_context():
        assert db.session.get(Comment, posted["id"]).status == CommentStatus.DELETED
