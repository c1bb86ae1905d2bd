"""The frame page every guest shares (issue 10 "Caching"), in a real browser: each reader's own
state arrives with the private request (/embed/thread/state) and is never another's."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from app.extensions import db
from app.models import Comment, utcnow
from app.services.comments import post_comment
from app.services.identity import Viewer

from .widget_support import click_and_wait, frame_of, post


def test_a_guests_pending_comment_and_vote_come_back_to_them_and_to_no_one_else(
    page, another_reader, widget, watch
):
    site = widget.site(premod=True)
    with widget.live.app.app_context():
        shown = post_comment(
            site_slug=site,
            article_key="shared",
            body="Approved by a moderator",
            viewer=Viewer(ip="127.0.0.9"),
            author_name="Bea",
        )
        db.session.execute(
            update(Comment)
            .where(Comment.id == shown.id)
            .values(status="approved", created_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()
        db.session.remove()

    url, frame = widget.open(page, site, "shared")
    post(frame, "Mine, awaiting review")
    theirs = frame.locator("#comments > li").first
    click_and_wait(page, theirs.get_by_role("button", name="Upvote"), "/votes", {"value": 1})

    page.reload()
    frame = frame_of(page)
    mine = frame.locator("#comments li", has_text="Mine, awaiting review")
    expect(mine.locator(".pend")).to_have_text("Your comment is awaiting moderation")
    expect(mine.get_by_role("button", name="Edit")).to_be_visible()
    expect(mine.get_by_role("button", name="Upvote")).to_be_disabled()
    theirs = frame.locator("#comments > li").first
    expect(theirs.get_by_role("button", name="Upvote")).to_have_attribute("aria-pressed", "true")
    # The shared page was rendered a while ago maybe; times read as of now.
    expect(theirs.locator("time")).to_have_text("5 minutes ago")

    with another_reader(url) as other:
        frame = frame_of(other)
        expect(frame.locator("#comments > li")).to_have_count(1)
        expect(frame.get_by_text("Mine, awaiting review")).to_have_count(0)
        theirs = frame.locator("#comments > li").first
        expect(theirs.get_by_role("button", name="Upvote")).to_have_attribute(
            "aria-pressed", "false"
        )
        expect(theirs.locator(".score")).to_have_text("1")
        # And they can write at once: the state brought their CSRF token.
        with other.expect_response(lambda r: r.url.endswith("/votes")) as answer:
            theirs.get_by_role("button", name="Upvote").click()
        assert answer.value.status == 200  # (one address: guests' votes on it count once)
