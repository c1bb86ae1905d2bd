"""The thread frame in a real browser, embedded on a page of another origin with the real snippet.

Every test runs under ``watch``: a console error, an uncaught exception or a request to any
origin but the host page's and Parley's fails it.
"""

from __future__ import annotations

import time

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Comment

FRAME = "#parley-thread iframe"


def frame_of(page):
    """The thread frame (a Parley-origin document) once its script has started."""
    frame = page.wait_for_selector(FRAME).content_frame()
    frame.wait_for_load_state()
    return frame


def eventually(page, check, timeout: float = 5.0):
    """Poll ``check`` until it returns a truthy value; the last value otherwise.

    Waits through Playwright (not time.sleep) so the page's events keep being processed.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(50)


def heights(page, frame) -> tuple[int, int]:
    outer = page.eval_on_selector(FRAME, "f => Math.round(f.getBoundingClientRect().height)")
    inner = frame.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
    return outer, inner


def post(frame, body: str, name: str | None = "Ada") -> None:
    form = frame.locator("#post")
    form.locator("textarea").fill(body)
    if name is not None:
        form.get_by_label("Name").fill(name)
    form.get_by_role("button", name="Post comment").click()
    expect(form.locator("textarea")).to_have_value("")  # posted: the box is cleared


def test_empty_thread_invites_the_first_comment(page, widget, watch):
    site = widget.site()
    page.goto(widget.page(site, "empty"))
    frame = frame_of(page)

    assert frame.url.startswith(widget.live.url + "/embed/thread?")
    expect(frame.locator("#empty")).to_have_text("Write the first comment for this!")
    expect(frame.locator("#count")).to_have_text("0 comments")
    expect(frame.get_by_role("heading", name="What's your reaction?")).to_be_visible()
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1] and h[0] > 200)


def test_guest_post_and_reply_appear_without_reload_and_the_count_pluralizes(page, widget, watch):
    site = widget.site()
    page.goto(widget.page(site, "talk"))
    frame = frame_of(page)
    frame.evaluate("window.stillHere = true")
    height_before = heights(page, frame)[0]

    post(frame, "First, with **bold** and <script>alert(1)</script>")
    first = frame.locator("#comments > li").first
    expect(first.locator(".comment-body")).to_contain_text("First, with bold and <script>")
    expect(first.locator(".comment-body strong")).to_have_text("bold")
    expect(first.locator(".n")).to_have_text("Ada")
    expect(frame.locator("#count")).to_have_text("1 comment")
    expect(frame.locator("#live")).to_have_text("Comment posted")
    expect(frame.locator("#empty")).to_be_hidden()

    post(frame, "Second")
    expect(frame.locator("#count")).to_have_text("2 comments")

    first.get_by_role("button", name="Reply to Ada").click()
    reply_form = first.locator("form.reply")
    reply_form.locator("textarea").fill("A reply to the first")
    reply_form.get_by_role("button", name="Post reply").click()
    nested = first.locator(":scope > ol.cs > li")
    expect(nested).to_have_count(1)
    expect(nested.locator(".comment-body")).to_have_text("A reply to the first")
    expect(frame.locator("#count")).to_have_text("3 comments")
    expect(reply_form).to_have_count(0)

    assert frame.evaluate("window.stillHere") is True  # no reload happened
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1] and h[0] > height_before)
    with widget.live.app.app_context():
        rows = db.session.execute(
            select(Comment.body_source, Comment.parent_id).order_by(Comment.id)
        ).all()
    mine = [row for row in rows if row.body_source in {"Second", "A reply to the first"}]
    assert mine[0].parent_id is None and mine[1].parent_id is not None


def test_premod_site_tells_the_author_their_comment_awaits_moderation(page, widget, watch):
    site = widget.site(premod=True)
    page.goto(widget.page(site, "held"))
    frame = frame_of(page)

    post(frame, "Please check me")
    comment = frame.locator("#comments > li").first
    expect(comment.locator(".pend")).to_have_text("Your comment is awaiting moderation")
    expect(frame.locator("#live")).to_have_text("Your comment is awaiting moderation")
    expect(frame.locator("#count")).to_have_text("0 comments")

    page.reload()
    frame = frame_of(page)
    # The partitioned frame cookie keeps the guest's identity: the author still sees it.
    expect(frame.locator("#comments .pend")).to_have_text("Your comment is awaiting moderation")
    expect(frame.locator("#comments .comment-body")).to_have_text("Please check me")


def test_a_keyboard_alone_can_post_a_comment(page, widget, watch):
    site = widget.site()
    page.goto(widget.page(site, "keys"))
    frame = frame_of(page)
    page.focus("#before")

    for _ in range(30):
        page.keyboard.press("Tab")
        if frame.evaluate("document.activeElement && document.activeElement.id") == "body":
            break
    else:
        raise AssertionError("Tab never reached the comment box")
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.name") == "author_name"
    page.keyboard.type("Kay")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.textContent") == "Post comment"
    outline = frame.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")

    expect(frame.locator("#comments .comment-body")).to_have_text("Typed without a mouse")
    expect(frame.locator("#live")).to_have_text("Comment posted")
