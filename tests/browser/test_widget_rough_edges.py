"""Rough edges of the frame in a real browser: a deleted comment's replies keep their look, a
held comment shows its author their text, keyboard focus after posting, dark-mode contrast."""

from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.models import Role, User
from app.services.site_settings import update_site_settings
from app.services.users import create_user
from tests.browser.widget_support import frame_of, post, seed

LOOK = "e => { const s = getComputedStyle(e); return [s.fontStyle, s.color]; }"

# WCAG 2 contrast ratio of an element's text colour against the first opaque background
# behind it.
CONTRAST = """e => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = (c) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  let back = [255, 255, 255];
  for (let n = e; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length < 4 || c[3] > 0) { back = c; break; }
  }
  const [hi, lo] = [lum(rgb(getComputedStyle(e).color)), lum(back)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""


def test_deleting_a_comment_with_replies_greys_only_the_placeholder(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "gone").frame
    post(frame, "I will delete this")
    parent = frame.locator("#comments > li").first
    parent_id = int(parent.get_attribute("data-id"))
    (reply_id,) = seed(widget, site, "gone", ["A reply that stays"], parent_id, name="Rita")
    page.reload()
    frame = frame_of(page)
    reply_body = frame.locator(f"#c{reply_id} .comment-body")
    normal = reply_body.evaluate(LOOK)
    assert normal[0] == "normal"

    parent = frame.locator(f"#c{parent_id}")
    parent.get_by_role("button", name="Delete").first.click()
    parent.get_by_role("button", name="Delete").last.click()  # confirm
    expect(parent.locator(":scope > .card .comment-body")).to_have_text("[deleted]")
    assert parent.locator(":scope > .card .comment-body").evaluate(LOOK)[0] == "italic"
    assert reply_body.evaluate(LOOK) == normal
    assert frame.locator(f"#c{reply_id} .author").evaluate(LOOK)[0] == "normal"

    page.reload()  # as the server renders it
    frame = frame_of(page)
    expect(frame.locator(f"#c{parent_id}")).to_have_class("comment gone")
    assert frame.locator(f"#c{reply_id} .comment-body").evaluate(LOOK) == normal


def test_a_comment_held_for_a_banned_word_shows_its_author_their_own_text(
    page, another_reader, widget, watch
):
    site = widget.site()
    with widget.live.app.app_context():
        admin = db.session.query(User).filter_by(role=Role.ADMIN).first() or create_user(
            f"admin-{site}@example.org", "Admin", "pw", Role.ADMIN
        )
        update_site_settings(admin, site, {"banned_words": ["zorblax"]})
        db.session.remove()
    url, frame = widget.open(page, site, "held")
    post(frame, "Buy zorblax now\n\nSecond paragraph")
    mine = frame.locator("#comments > li").first
    expect(mine.locator(".pend")).to_have_text("Your comment is awaiting moderation")
    expect(mine.locator(".comment-body p")).to_have_text(["Buy zorblax now", "Second paragraph"])
    assert "banned" not in mine.inner_text().lower()
    page.reload()  # as the server renders it for its author
    mine = frame_of(page).locator("#comments > li").first
    expect(mine.locator(".pend")).to_have_text("Your comment is awaiting moderation")
    expect(mine.locator(".comment-body p")).to_have_text(["Buy zorblax now", "Second paragraph"])

    with another_reader(url) as other:
        expect(frame_of(other).locator("#empty")).to_be_visible()


def test_posting_a_top_level_comment_by_keyboard_puts_the_focus_on_it(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "focus").frame
    form = frame.locator("#post")
    form.get_by_label("Name").fill("Kay")
    form.locator("textarea").focus()
    page.keyboard.type("Sent with Ctrl+Enter")
    page.keyboard.press("Control+Enter")
    new = frame.locator("#comments > li").first
    expect(new.locator(".comment-body")).to_have_text("Sent with Ctrl+Enter")
    expect(new).to_be_focused()


def test_the_pressed_vote_arrow_reads_in_system_dark_mode(page, browser, widget, watch):
    site = widget.site()
    seed(widget, site, "dark", ["Vote on me"])
    page.emulate_media(color_scheme="dark")
    frame = widget.open(page, site, "dark").frame
    assert frame.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    up = frame.locator("#comments > li").first.get_by_role("button", name="Upvote")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    assert up.evaluate(CONTRAST) >= 4.5
    frame = widget.open(page, site, "dark", attrs='data-theme="dark"').frame
    up = frame.locator("#comments > li").first.get_by_role("button", name="Upvote")
    expect(up).to_have_attribute("aria-pressed", "true")
    assert up.evaluate(CONTRAST) >= 4.5
