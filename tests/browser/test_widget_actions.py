"""Reactions, votes, reports, and authors editing or deleting their own comment, in the frame."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from app.extensions import db
from app.models import Comment, Report, utcnow

from .widget_support import click_and_wait, frame_of, post


def test_reaction_toggles_changes_and_persists_across_reload(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "react").frame
    like = frame.get_by_role("button", name="Like")
    love = frame.get_by_role("button", name="Love")

    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".reaction-count")).to_have_text("1")
    # One reaction per reader: changing it moves the count.
    click_and_wait(
        page, love, "/api/v1/reactions", {"site": site, "article": "react", "kind": "love"}
    )
    expect(love).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like.locator(".reaction-count")).to_have_text("0")
    expect(love.locator(".reaction-count")).to_have_text("1")

    page.reload()
    frame = frame_of(page)
    love = frame.get_by_role("button", name="Love")
    expect(love).to_have_attribute("aria-pressed", "true")
    expect(love.locator(".reaction-count")).to_have_text("1")
    # The same reaction again takes it back.
    click_and_wait(
        page, love, "/api/v1/reactions", {"site": site, "article": "react", "kind": "love"}
    )
    expect(love).to_have_attribute("aria-pressed", "false")
    expect(love.locator(".reaction-count")).to_have_text("0")
    page.reload()
    expect(
        frame_of(page).get_by_role("button", name="Love").locator(".reaction-count")
    ).to_have_text("0")


def test_another_reader_votes_and_reports_and_the_author_cannot_vote(
    page, another_reader, widget, watch
):
    site = widget.site()
    url, author_frame = widget.open(page, site, "votes")
    post(author_frame, "Vote on me")
    own = author_frame.locator("#comments > li").first
    expect(own.get_by_role("button", name="Upvote")).to_be_disabled()

    with another_reader(url) as reader:
        frame = frame_of(reader)
        comment = frame.locator("#comments > li").first
        up = comment.get_by_role("button", name="Upvote")
        down = comment.get_by_role("button", name="Downvote")
        up.click()
        expect(comment.locator(".score")).to_have_text("1")
        expect(up).to_have_attribute("aria-pressed", "true")
        click_and_wait(reader, down, "/votes", {"value": -1})
        expect(comment.locator(".score")).to_have_text("-1")
        expect(down).to_have_attribute("aria-pressed", "true")
        expect(up).to_have_attribute("aria-pressed", "false")
        reader.reload()
        frame = frame_of(reader)
        comment = frame.locator("#comments > li").first
        expect(comment.locator(".score")).to_have_text("-1")
        expect(comment.get_by_role("button", name="Downvote")).to_have_attribute(
            "aria-pressed", "true"
        )

        comment.get_by_role("button", name="Report").click()
        comment.get_by_label("Abuse or harassment").check()
        comment.get_by_label("Details (optional)").fill("Rude")
        comment.get_by_role("button", name="Send report").click()
        expect(comment.locator(".done")).to_have_text("Thanks. A moderator will look at it.")
        expect(comment.get_by_role("button", name="Report")).to_have_count(0)

    with widget.live.app.app_context():
        comment_id = db.session.scalar(
            select(Comment.id).where(Comment.body_source == "Vote on me")
        )
        reports = db.session.execute(
            select(Report.reason, Report.note).where(Report.comment_id == comment_id)
        ).all()
        db.session.remove()
    assert [(r.reason.value, r.note) for r in reports] == [("abuse", "Rude")]


def test_author_edits_and_deletes_in_the_window_and_is_refused_after(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "edits").frame
    written = (
        "Typo **here**, \\*not emphasis\\*, see https://news.example/a"
        "\n\n> quoted\n\n1. one\n2. `two`"
    )
    post(frame, written)
    post(frame, "Delete me")
    post(frame, "Too late to change")
    expect(frame.locator("#count")).to_have_text("3 comments")
    first, second, third = (frame.locator("#comments > li").nth(i) for i in range(3))

    first.get_by_role("button", name="Edit").click()
    editor = first.locator("form.edit-f textarea")
    # The editor starts from the comment's Markdown exactly as written, escapes included.
    expect(editor).to_have_value(written)
    editor.fill("No typo *here*")
    first.get_by_role("button", name="Save").click()
    expect(first.locator(".comment-body em")).to_have_text("here")
    expect(first.locator(".edited")).to_contain_text("edited")
    expect(frame.locator("#live")).to_have_text("Comment updated")

    second.get_by_role("button", name="Delete").click()
    second.get_by_role("button", name="Delete").last.click()  # the confirmation
    expect(frame.locator("#comments .comment-body", has_text="Delete me")).to_have_count(0)
    expect(frame.locator("#count")).to_have_text("2 comments")
    expect(frame.locator("#live")).to_have_text("Comment deleted")

    with widget.live.app.app_context():
        db.session.execute(
            update(Comment)
            .where(Comment.body_source == "Too late to change")
            .values(created_at=utcnow() - timedelta(minutes=20))
        )
        db.session.commit()
        db.session.remove()
    third = frame.locator("#comments > li", has_text="Too late to change")
    watch.allow("status of 403")
    third.get_by_role("button", name="Edit").click()
    third.locator("form.edit-f textarea").fill("Changed after all")
    third.get_by_role("button", name="Save").click()
    expect(third.locator(".msg")).to_have_text("The time to change this comment has passed.")
    expect(third.get_by_role("button", name="Delete")).to_have_count(0)

    page.reload()
    third = frame_of(page).locator("#comments > li", has_text="Too late to change")
    expect(third.get_by_role("button", name="Edit")).to_have_count(0)
    with widget.live.app.app_context():
        sources = db.session.scalars(select(Comment.body_source).order_by(Comment.id)).all()
        db.session.remove()
    assert "No typo *here*" in sources and "Too late to change" in sources
