"""Every page of the moderators' dashboard, filled with something to show, for browser tests
that visit them all (narrow screens, axe-core)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.extensions import db
from app.models import Comment, CommentStatus, Role
from app.services.comments import change_status, post_comment
from app.services.identity import Viewer
from app.services.reports import report_comment
from app.services.users import create_user
from tests.browser.test_dashboard_moderation import PASSWORD, seed, sign_in


@dataclass
class Dashboard:
    email: str
    urls: list[str]


def admin_dashboard(page, widget) -> Dashboard:
    """A site with pending, reported, spam, approved and rejected comments, an admin signed in
    in ``page``, and the URL of every dashboard page (with one comment and one author)."""
    live = widget.live
    site = widget.site(premod=True)
    email = f"admin-{uuid.uuid4().hex[:8]}@example.org"
    with live.app.app_context():
        create_user(
            email, "Una Admin", PASSWORD, Role.ADMIN
        )  # no guest in these tests is called Una
        reader = create_user(f"r-{email}", "Rob Reader", PASSWORD, Role.READER)
        post_comment(
            site_slug=site,
            article_key="story",
            body="Written by an account",
            viewer=Viewer(user=reader, ip="203.0.113.31"),
        )
        reader_id = reader.id
        db.session.remove()
    title = "A long article title about air-defence drills and what residents should know first"
    ids = [
        seed(live, site, body, title=title, name="Gina Guest with a long display name")
        for body in ("Pending **one**", "Reported", "Spam", "Approved", "Rejected")
    ]
    with live.app.app_context():
        for comment_id, status in zip(
            ids[1:], ["approved", "spam", "approved", "rejected"], strict=True
        ):
            change_status(db.session.get(Comment, comment_id), CommentStatus(status), action="t")
        db.session.commit()
        report_comment(ids[1], "abuse", "Insults a named neighbour", _reader(live))
        db.session.remove()
    sign_in(page, live, email)
    base = f"{live.url}/moderation"
    urls = [
        f"{base}/",
        f"{base}/sites",
        *(f"{base}/sites/{site}/queue/{q}" for q in ("pending", "reported", "spam", "approved")),
        f"{base}/queue/rejected",
        f"{base}/search?q=one",
        f"{base}/sites/{site}/search?q=nothing-matches",
        f"{base}/sites/{site}/articles",
        f"{base}/sites/{site}/settings",
        f"{base}/staff",
        f"{base}/audit",
        f"{base}/comments/{ids[1]}",
        f"{base}/users/{reader_id}",
    ]
    return Dashboard(email, urls)


def _reader(live):
    return Viewer(guest_key=uuid.uuid4().hex * 2, ip="203.0.113.30")
