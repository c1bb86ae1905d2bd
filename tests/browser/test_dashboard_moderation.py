"""A moderator at work in headless Chromium: sign in, clear queues with the keyboard and in bulk,
ban an author, and see each decision on the publisher's page (the widget on another origin).

Tests using ``watch`` also fail on a console error or a request leaving the test's origins."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from playwright.sync_api import expect

from app.models import Role
from app.services.comments import post_comment
from app.services.identity import Viewer
from app.services.reports import report_comment
from app.services.users import create_user

from .widget_support import frame_of

PASSWORD = "correct horse battery staple"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "pending-queue.png"


def moderator_for(live, site: str) -> str:
    email = f"mod-{uuid.uuid4().hex[:8]}@example.org"
    with live.app.app_context():
        create_user(email, "Maria Moderator", PASSWORD, Role.MODERATOR, [site])
    return email


def seed(
    live,
    site: str,
    body: str,
    article: str = "story",
    name: str = "Gina Guest",
    guest_key: str | None = None,
    **kw,
):
    """A comment posted through the real service (as a guest), as if from the widget."""
    with live.app.app_context():
        comment = post_comment(
            site_slug=site,
            article_key=article,
            body=body,
            viewer=Viewer(guest_key=guest_key or uuid.uuid4().hex * 2, ip="203.0.113.20"),
            author_name=name,
            article_title=kw.pop("title", "Air-defence drills: what residents should know"),
            **kw,
        )
        return comment.id


def sign_in(page, live, email: str) -> None:
    page.goto(f"{live.url}/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live.url}/moderation/")
    page.wait_for_load_state("load")  # the dashboard's script has started: its listeners are on


def test_moderator_approves_a_pending_comment_with_the_keyboard_and_readers_see_it(
    page, context, widget
):
    site = widget.site(premod=True)
    comment_id = seed(widget.live, site, "Sirens are tested **every Monday** at noon.")
    sign_in(page, widget.live, moderator_for(widget.live, site))

    item = page.locator(f"#item-{comment_id}")
    expect(item).to_be_focused()  # the first item has the focus, ready for the keyboard
    expect(item.locator("[data-reason]")).to_have_text("premod")
    expect(item.locator(".comment-body strong")).to_have_text("every Monday")
    expect(page.locator('[data-count="pending"]')).to_have_text("1")
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    expect(page.locator(".flash")).to_have_text(f"Approved comment #{comment_id}.")
    expect(page.locator(f"#item-{comment_id}")).to_have_count(0)
    expect(page.locator('[data-count="pending"]')).to_have_text("0")

    reader = context.new_page()
    frame = widget.open(reader, site, "story").frame
    expect(frame.locator(f"#c{comment_id} .comment-body")).to_contain_text(
        "Sirens are tested every Monday at noon."
    )
    expect(frame.locator("#count")).to_have_text("1 comment")


def test_focus_moves_with_j_and_k_and_lands_on_the_next_item_after_an_action(page, widget, watch):
    site = widget.site(premod=True)
    ids = [seed(widget.live, site, f"Queued comment {n}") for n in range(3)]
    sign_in(page, widget.live, moderator_for(widget.live, site))
    expect(page.locator(f"#item-{ids[0]}")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator(f"#item-{ids[1]}")).to_be_focused()
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("s")  # spam the second: the third takes its place and the focus
    expect(page.locator(".flash")).to_have_text(f"Marked as spam comment #{ids[1]}.")
    expect(page.locator(f"#item-{ids[2]}")).to_be_focused()
    expect(page.locator('[data-count="spam"]')).to_have_text("1")


def test_rejecting_a_reported_comment_removes_it_from_the_widget_and_the_count_drops(
    page, context, widget
):
    site = widget.site()
    keep = seed(widget.live, site, "A fair point about the drills.", name="Kim")
    bad = seed(widget.live, site, "You are all idiots.", name="Troll")
    with widget.live.app.app_context():
        report_comment(bad, "abuse", None, Viewer(guest_key="r" * 64))

    reader = context.new_page()
    frame = widget.open(reader, site, "story").frame
    expect(frame.locator("#count")).to_have_text("2 comments")
    expect(frame.locator(f"#c{bad}")).to_be_visible()

    sign_in(page, widget.live, moderator_for(widget.live, site))
    expect(page.locator('[data-count="reported"]')).to_have_text("1")
    page.get_by_role("link", name=re.compile("^Reported")).click()
    item = page.locator(f"#item-{bad}")
    expect(item.locator("[data-reports]")).to_have_text("1 report: abuse ×1")
    item.get_by_label("Reason for rejecting").select_option("Abusive or hateful")
    item.focus()
    page.keyboard.press("r")
    expect(page.locator(".flash")).to_have_text(f"Rejected comment #{bad}.")
    expect(page.locator('[data-count="reported"]')).to_have_text("0")

    reader.reload()
    frame = frame_of(reader)
    expect(frame.locator("#count")).to_have_text("1 comment")
    expect(frame.locator(f"#c{keep}")).to_be_visible()
    expect(frame.locator(f"#c{bad}")).to_have_count(0)
    expect(frame.locator("#comments")).not_to_contain_text("idiots")


def test_a_banned_authors_next_post_is_refused_with_a_clear_message(page, context, widget):
    site = widget.site()
    reader = context.new_page()
    frame = widget.open(reader, site, "story").frame
    form = frame.locator("#post")
    form.locator("textarea").fill("First post from a soon-banned guest")
    form.get_by_label("Name").fill("Spammy Sam")
    form.get_by_role("button", name="Post comment").click()
    posted = frame.locator("#comments > li").first
    expect(posted).to_contain_text("First post from a soon-banned guest")
    comment_id = int(posted.get_attribute("data-id"))

    moderator = context.new_page()
    sign_in(moderator, widget.live, moderator_for(widget.live, site))
    moderator.goto(f"{widget.live.url}/moderation/comments/{comment_id}")
    moderator.get_by_label("Reason (optional)").fill("Advertising")
    moderator.get_by_role("button", name="Ban", exact=True).click()
    expect(moderator.locator(".flash")).to_have_text("Banned Spammy Sam on this site.")
    expect(moderator.locator("[data-bans]")).to_contain_text(f"Banned on {site}: Advertising")

    form.locator("textarea").fill("Second post after the ban")
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("alert")).to_have_text("You cannot comment on this site.")
    expect(frame.locator("#comments")).not_to_contain_text("Second post after the ban")


def test_moderator_bulk_approves_twenty_comments(page, context, widget, watch):
    site = widget.site(premod=True)
    ids = [seed(widget.live, site, f"Held comment number {n}") for n in range(20)]
    sign_in(page, widget.live, moderator_for(widget.live, site))
    expect(page.locator("[data-queue-item]")).to_have_count(20)
    page.get_by_label("Select every comment on this page").check()
    expect(page.locator("input[name=ids]:checked")).to_have_count(20)
    page.get_by_label("With the selected:").select_option("approve")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash")).to_have_text("Approved 20 comments.")
    expect(page.locator("[data-queue-item]")).to_have_count(0)
    expect(page.locator('[data-count="pending"]')).to_have_text("0")

    reader = context.new_page()
    frame = widget.open(reader, site, "story").frame
    expect(frame.locator("#count")).to_have_text("20 comments")
    expect(frame.locator(f"#c{ids[0]}")).to_be_visible()


def test_pending_queue_screenshot(page, widget, tmp_path):
    """The pending queue as docs/screenshots/pending-queue.png shows it.

    Writes the docs copy when PARLEY_UPDATE_SCREENSHOTS=1; otherwise only into tmp_path.
    """
    site = widget.site(premod=True)
    first = seed(
        widget.live,
        site,
        "The drill schedule was in the **council newsletter**; sirens sound for 3 minutes.",
        name="Dana K.",
        guest_key="s" * 64,
    )
    seed(widget.live, site, "Where is the nearest shelter in the old town?", name="Ivo")
    seed(
        widget.live,
        site,
        "Thanks, that helps. Is the schedule online too?",
        name="Ruth",
    )
    with widget.live.app.app_context():
        # Held comments are seen (and so reported) by their author only.
        report_comment(first, "off_topic", "not about the article", Viewer(guest_key="s" * 64))
    page.set_viewport_size({"width": 1100, "height": 900})
    sign_in(page, widget.live, moderator_for(widget.live, site))
    expect(page.locator("[data-queue-item]")).to_have_count(3)
    target = tmp_path / "pending-queue.png"
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
    if os.environ.get("PARLEY_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(target.read_bytes())


def test_queue_counts_in_the_navigation_stay_live(page, widget, watch):
    site = widget.site(premod=True)
    seed(widget.live, site, "Already waiting")
    sign_in(page, widget.live, moderator_for(widget.live, site))
    expect(page.locator('[data-count="pending"]')).to_have_text("1")
    seed(widget.live, site, "Arrived while the moderator was looking")
    # The page re-reads the counts every 30 s and whenever the tab becomes visible again.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator('[data-count="pending"]')).to_have_text("2")
