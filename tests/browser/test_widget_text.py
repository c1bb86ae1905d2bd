"""Right-to-left text in the frame: each comment body and author name is isolated, and
Arabic paragraphs align and punctuate right-to-left, in a real browser."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from app.extensions import db
from app.models import Comment, utcnow
from tests.browser.widget_support import seed

ARABIC = "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645!"
ARABIC_NAME = "\u0639\u0644\u064a"

# Gaps between a paragraph's box and its text, and where the final "!" stands.
MEASURE = """p => {
  const box = p.getBoundingClientRect();
  const text = document.createRange();
  text.selectNodeContents(p);
  const line = text.getBoundingClientRect();
  const node = p.firstChild;
  const bang = document.createRange();
  bang.setStart(node, node.data.length - 1);
  bang.setEnd(node, node.data.length);
  const mark = bang.getBoundingClientRect();
  return {left: line.left - box.left, right: box.right - line.right,
          bangAtLeft: mark.left - line.left < 2, bangAtRight: line.right - mark.right < 2};
}"""


def test_arabic_comments_align_and_punctuate_right_to_left(page, widget, watch):
    site = widget.site()
    seed(widget, site, "rtl", [ARABIC, f"Hello there!\n\n{ARABIC}"])
    page.set_viewport_size({"width": 900, "height": 900})
    frame = widget.open(page, site, "rtl").frame
    bodies = frame.locator("#comments .comment-body")
    expect(bodies).to_have_count(2)

    arabic = bodies.nth(0).locator("p")
    english, arabic_after_english = bodies.nth(1).locator("p").all()
    shape = arabic.evaluate(MEASURE)
    assert shape["right"] < 2 and shape["left"] > 100, shape
    assert shape["bangAtLeft"] and not shape["bangAtRight"], shape
    shape = arabic_after_english.evaluate(MEASURE)
    assert shape["right"] < 2 and shape["left"] > 100, shape
    shape = english.evaluate(MEASURE)
    assert shape["left"] < 2 and shape["right"] > 100 and shape["bangAtRight"], shape


def test_a_right_to_left_name_does_not_pull_the_time_beside_it(page, widget, watch):
    site = widget.site()
    (comment_id,) = seed(widget, site, "names", ["a comment"], name="x")
    with widget.live.app.app_context():
        db.session.execute(
            update(Comment)
            .where(Comment.id == comment_id)
            .values(guest_name=ARABIC_NAME, created_at=utcnow() - timedelta(hours=3))
        )
        db.session.commit()
        db.session.remove()
    frame = widget.open(page, site, "names").frame
    meta = frame.locator(f"#c{comment_id} .meta")
    expect(meta.locator("time")).to_have_text("3 hours ago")
    name_right = meta.locator(".author").evaluate("e => e.getBoundingClientRect().right")
    # The "3" that starts the time: without isolation the bidi algorithm moves it before the name.
    digit_left = meta.locator("time").evaluate(
        """t => { const r = document.createRange(); r.setStart(t.firstChild, 0);
                  r.setEnd(t.firstChild, 1); return r.getBoundingClientRect().left; }"""
    )
    assert digit_left > name_right
