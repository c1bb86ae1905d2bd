"""The frame shows PARLEY_REPLY_PREVIEW replies under each top-level comment, then
"Show N more replies", in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.widget_support import frame_of, seed


def test_show_more_replies_loads_the_rest_in_place(page, widget, watch, monkeypatch):
    monkeypatch.setitem(widget.live.app.config, "PARLEY_REPLY_PREVIEW", 4)
    monkeypatch.setitem(widget.live.app.config, "PARLEY_PAGE_SIZE", 3)
    site = widget.site()
    (top,) = seed(widget, site, "many", ["The story"])
    flat = seed(widget, site, "many", [f"Reply {n}" for n in range(6)], top, name="R")
    chain = [flat[-1]]
    for depth in range(2, 7):  # a chain under the last reply, past the indent cap
        chain += seed(widget, site, "many", [f"Depth {depth}"], chain[-1], name=f"D{depth}")
    frame = widget.open(page, site, "many").frame

    story = frame.locator(f"#c{top}")
    replies = story.locator("li.comment")
    expect(replies).to_have_count(4)
    more = story.get_by_role("button", name="Show 7 more replies")
    more.focus()
    page.keyboard.press("Enter")
    expect(replies).to_have_count(7)
    expect(frame.locator(f"#c{flat[4]}")).to_be_focused()
    expect(story.get_by_role("button", name="Show 4 more replies")).to_be_visible()
    story.get_by_role("button", name="Show 4 more replies").click()
    expect(replies).to_have_count(10)
    story.get_by_role("button", name="Show 1 more reply").click()
    expect(replies).to_have_count(11)
    expect(story.locator("[data-act=more-replies]")).to_have_count(0)

    # Every reply once, in time order under its parent; past the indent cap, flat with its parent.
    shown = replies.evaluate_all("items => items.map((li) => +li.dataset.id)")
    assert sorted(shown) == sorted(flat + chain[1:])
    assert len(set(shown)) == len(shown)
    depth4 = frame.locator(f"#c{chain[3]}")
    expect(depth4.locator(":scope > .card .in-reply-to")).to_have_text("in reply to D3")
    expect(frame.locator(f"#c{chain[5]} > .card .in-reply-to bdi")).to_have_text("D5")


def test_a_permalink_to_a_reply_beyond_the_preview_opens_it(page, widget, watch, monkeypatch):
    monkeypatch.setitem(widget.live.app.config, "PARLEY_REPLY_PREVIEW", 2)
    site = widget.site()
    (top,) = seed(widget, site, "link", ["The story"])
    replies = seed(widget, site, "link", [f"Reply {n}" for n in range(5)], top, name="R")
    url = widget.page(site, "link")
    page.goto(f"{url}#parley-comment-{replies[-1]}")
    frame = frame_of(page)
    expect(frame.locator(f"#c{replies[-1]}")).to_have_class(re.compile(r"\bhighlighted\b"))
