"""The thread frame in a real browser, embedded on a page of another origin with the real snippet.

Every test runs under ``watch``: a console error, an uncaught exception or a request to any
origin but the host page's and Parley's fails it.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select, update

from app.extensions import db
from app.models import Comment

from .widget_support import FRAME, eventually, frame_of, heights, post, seed


def test_empty_thread_invites_the_first_comment(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "empty").frame

    assert frame.url.startswith(widget.live.url + "/embed/thread?")
    expect(frame.locator("#empty")).to_have_text("Write the first comment for this!")
    expect(frame.locator("#count")).to_have_text("0 comments")
    expect(frame.get_by_role("heading", name="What's your reaction?")).to_be_visible()
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1] and h[0] > 200)


def test_guest_post_and_reply_appear_without_reload_and_the_count_pluralizes(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "talk").frame
    frame.evaluate("window.stillHere = true")
    height_before = heights(page, frame)[0]

    post(frame, "First, with **bold** and <script>alert(1)</script>")
    first = frame.locator("#comments > li").first
    expect(first.locator(".comment-body")).to_contain_text("First, with bold and <script>")
    expect(first.locator(".comment-body strong")).to_have_text("bold")
    expect(first.locator(".author")).to_have_text("Ada")
    expect(frame.locator("#count")).to_have_text("1 comment")
    expect(frame.locator("#live")).to_have_text("Comment posted")
    expect(frame.locator("#empty")).to_be_hidden()

    post(frame, "Second")
    expect(frame.locator("#count")).to_have_text("2 comments")

    first.get_by_role("button", name="Reply to Ada").click()
    reply_form = first.locator("form.reply")
    reply_form.locator("textarea").fill("A reply to the first")
    reply_form.get_by_role("button", name="Post reply").click()
    nested = first.locator(":scope > ol.comment-list > li")
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
    frame = widget.open(page, site, "held").frame

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
    frame = widget.open(page, site, "keys").frame
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
    page.keyboard.press("Tab")  # the e-mail address
    page.keyboard.press("Tab")  # "E-mail me replies"
    assert frame.evaluate("document.activeElement.name") == "notify_replies"
    page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.textContent") == "Post comment"
    outline = frame.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")

    expect(frame.locator("#comments .comment-body")).to_have_text("Typed without a mouse")
    expect(frame.locator("#live")).to_have_text("Comment posted")

    # Every other control answers the keyboard too: reactions, reply (Ctrl+Enter sends), Escape.
    frame.focus(".reaction[data-kind=wow]")
    page.keyboard.press("Space")
    expect(frame.locator(".reaction[data-kind=wow]")).to_have_attribute("aria-pressed", "true")
    first = frame.locator("#comments > li").first
    first.get_by_role("button", name="Reply to Kay").focus()
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.closest('form.reply') !== null")
    page.keyboard.type("A keyboard reply")
    page.keyboard.press("Control+Enter")
    expect(first.locator(":scope > ol.comment-list .comment-body")).to_have_text("A keyboard reply")
    expect(frame.locator("#count")).to_have_text("2 comments")
    first.get_by_role("button", name="Delete").first.focus()
    page.keyboard.press("Enter")
    expect(first.locator(".confirm")).to_be_visible()
    page.keyboard.press("Escape")
    expect(first.locator(".confirm")).to_have_count(0)
    assert frame.evaluate("document.activeElement.dataset.act") == "delete"


def comment_in_view(page, frame, comment_id: int) -> bool:
    """The comment's box, in host-page coordinates, lies inside the host's viewport."""
    frame_top = page.eval_on_selector(FRAME, "f => f.getBoundingClientRect().top")
    top = frame.eval_on_selector(f"#c{comment_id}", "e => e.getBoundingClientRect().top")
    return 0 <= frame_top + top <= page.viewport_size["height"] - 20


def test_load_more_sort_deep_replies_and_permalinks(page, widget, watch, monkeypatch):
    monkeypatch.setitem(widget.live.app.config, "PARLEY_PAGE_SIZE", 3)
    site = widget.site()
    tops = seed(widget, site, "long", [f"Comment {n}" for n in range(5)])
    with widget.live.app.app_context():
        db.session.execute(update(Comment).where(Comment.id == tops[3]).values(score=5))
        db.session.commit()
        db.session.remove()
    chain = [tops[0]]
    for depth in range(1, 6):  # a reply chain five deep under Comment 0
        chain += seed(widget, site, "long", [f"Depth {depth}"], chain[-1], name=f"D{depth}")
    spacer = '<p style="height:2500px">The article text.</p>'
    url, frame = widget.open(page, site, "long", before=spacer)

    top_level = frame.locator("#comments > li")
    expect(top_level).to_have_count(3)
    expect(frame.locator("#count")).to_have_text("10 comments")
    frame.get_by_role("button", name="Load more comments").click()
    expect(top_level).to_have_count(5)
    expect(frame.locator("#more")).to_be_hidden()

    # Indented to three levels, then flat with "in reply to NAME".
    depth3, depth4, depth5 = (frame.locator(f"#c{chain[n]}") for n in (3, 4, 5))
    assert depth3.evaluate("e => e.parentElement.closest('li').id") == f"c{chain[2]}"
    assert depth4.evaluate("e => e.parentElement.closest('li').id") == f"c{chain[2]}"
    expect(depth4.locator(".in-reply-to")).to_have_text("in reply to D3")
    expect(depth5.locator(".in-reply-to")).to_have_text("in reply to D4")
    expect(depth3.locator(":scope > .card .in-reply-to")).to_have_count(0)

    frame.get_by_label("Sort by").select_option("newest")
    expect(top_level.first.locator(":scope > .card .comment-body")).to_have_text("Comment 4")
    expect(top_level).to_have_count(3)
    frame.get_by_label("Sort by").select_option("top")
    expect(top_level.first.locator(":scope > .card .comment-body")).to_have_text("Comment 3")

    # A permalink on the host page: the frame loads the comment's page, highlights it, and the
    # host scrolls to it, on arrival and when the hash changes later.
    page.goto(f"{url}#parley-comment-{tops[4]}")
    frame = frame_of(page)
    expect(frame.locator(f"#c{tops[4]}")).to_have_class(re.compile(r"\bhighlighted\b"))
    assert eventually(page, lambda: comment_in_view(page, frame, tops[4]))
    assert page.evaluate("scrollY") > 2000
    page.evaluate("scrollTo(0, 0)")
    page.evaluate(f"location.hash = '#parley-comment-{chain[5]}'")
    expect(frame.locator(f"#c{chain[5]}")).to_have_class(re.compile(r"\bhighlighted\b"))
    assert eventually(page, lambda: comment_in_view(page, frame, chain[5]))


LOW_CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = (c) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  return [...document.querySelectorAll("#parley :is(h2, p, b, span, a, button, label, time)")]
    .filter((e) => e.offsetParent && e.textContent.trim() && !e.disabled)
    .map((e) => [e.outerHTML.slice(0, 60), ratio(rgb(getComputedStyle(e).color), background(e))])
    .filter(([, r]) => r < 4.5);
}"""


def test_theme_accent_and_colour_scheme_come_from_the_embed_with_aa_contrast(page, widget, watch):
    site = widget.site()
    seed(widget, site, "themed", ["A comment to look at, with a [link](https://news.example/)"])
    frame = widget.open(page, site, "themed").frame
    expect(frame.locator("#comments li")).to_have_count(1)
    assert frame.evaluate(LOW_CONTRAST) == []  # light (the default colour scheme)

    frame = widget.open(page, site, "themed", attrs='data-theme="dark" data-accent="#c00"').frame
    expect(frame.locator("html")).to_have_attribute("data-theme", "dark")
    body_colour = frame.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body_colour == "rgb(23, 25, 29)"
    button = frame.get_by_role("button", name="Post comment")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(204, 0, 0)"
    assert frame.evaluate(LOW_CONTRAST) == []

    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    frame = widget.open(page, site, "themed").frame
    expect(frame.locator("html")).to_have_attribute("data-theme", "auto")
    assert frame.evaluate("getComputedStyle(document.body).backgroundColor") == body_colour
    assert frame.evaluate(LOW_CONTRAST) == []
    # Every control has an accessible name.
    unnamed = frame.evaluate(
        """[...document.querySelectorAll("#parley :is(button, input, textarea, select)")]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
                         && !e.textContent.trim()).map(e => e.outerHTML)"""
    )
    assert unnamed == []
