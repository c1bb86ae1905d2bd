"""Helpers the widget's browser tests share: the thread frame, waiting, posting, seeding."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from app.extensions import db
from app.services.comments import post_comment
from app.services.identity import Viewer

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


def click_and_wait(page, button, path: str, value: dict) -> None:
    """Click, and wait for the server's answer to the request carrying ``value``.

    The frame updates optimistically at once, so its text alone does not say the server has
    it; a reload before the answer would cancel the request.
    """
    with page.expect_response(lambda r: r.url.endswith(path) and r.request.post_data_json == value):
        button.click()


def seed(widget, site: str, article: str, bodies: list[str], parent_id=None, name="Seeder"):
    """Comments posted through the real service, as distinct guests; returns their ids."""
    ids = []
    with widget.live.app.app_context():
        for n, body in enumerate(bodies):
            comment = post_comment(
                site_slug=site,
                article_key=article,
                body=body,
                viewer=Viewer(ip=f"127.0.0.{n + 10}"),
                author_name=f"{name}{n}" if parent_id is None else name,
                parent_id=parent_id,
            )
            ids.append(comment.id)
        db.session.remove()
    return ids
