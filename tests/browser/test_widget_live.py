"""Live updates in a real browser: a second reader's comment is announced in an open widget as
"1 new comment" and shown when the reader asks; a comment moderators remove disappears."""

from __future__ import annotations

from playwright.sync_api import expect

from app.services.comments import get_comment
from app.services.moderation.actions import moderate_comment
from app.services.users import create_user
from tests.browser.widget_support import frame_of, post


def test_a_second_readers_comment_is_announced_and_shown_on_request(
    page, another_reader, widget, watch
):
    site = widget.site()
    url, first = widget.open(page, site, "live")
    post(first, "The first reader was here")
    expect(first.locator(".fresh")).to_be_hidden()  # their own comment is shown, not announced

    with another_reader(url) as second_page:
        post(frame_of(second_page), "A second reader's comment", name="Bea")

    announce = first.locator(".fresh")
    expect(announce).to_have_text("1 new comment")
    expect(first.locator("#count")).to_have_text("2 comments")
    expect(first.get_by_text("A second reader's comment")).to_have_count(0)
    announce.click()
    shown = first.locator("#comments > li").filter(has_text="A second reader's comment")
    expect(shown).to_have_count(1)
    expect(shown).to_be_focused()
    expect(announce).to_be_hidden()


def test_a_comment_moderators_remove_disappears_from_the_open_page(
    page, widget, watch, live_parley
):
    site = widget.site()
    frame = widget.open(page, site, "removal").frame
    post(frame, "Soon removed")
    item = frame.locator("#comments > li").filter(has_text="Soon removed")
    expect(item).to_have_count(1)
    comment_id = int(item.get_attribute("data-id"))
    with live_parley.app.app_context():
        moderator = create_user(
            f"mod-{site}@example.org", "Mod", "correct horse battery", "moderator"
        )
        moderate_comment(get_comment(comment_id).id, "reject", moderator)
    expect(item).to_have_count(0)
    expect(frame.locator("#count")).to_have_text("0 comments")
