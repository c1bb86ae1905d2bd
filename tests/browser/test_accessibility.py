"""axe-core finds no serious or critical accessibility violation in the widget, in each of
its states, nor on any dashboard page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from app.extensions import db
from app.models import Article
from tests.browser.axe import assert_no_serious_axe_violations, serious_axe_violations
from tests.browser.dashboard_pages import admin_dashboard
from tests.browser.widget_support import frame_of, post, seed

IN_A_FRAME = {
    "page-has-heading-one": (
        "the widget is a frame embedded in the publisher's article, whose page has the h1; "
        "a second h1 inside the frame would compete with the article's own title"
    )
}


def check(frame) -> None:
    assert_no_serious_axe_violations(frame, exclude_rules=IN_A_FRAME)


def test_the_widget_in_every_state(page, widget, watch, monkeypatch):
    monkeypatch.setitem(widget.live.app.config, "PARLEY_REPLY_PREVIEW", 1)
    site = widget.site()
    frame = widget.open(page, site, "a11y").frame
    expect(frame.locator("#empty")).to_be_visible()
    check(frame)  # empty

    (first,) = seed(widget, site, "a11y", ["Someone's comment, with a [link](https://example.org)"])
    seed(widget, site, "a11y", ["A reply", "Another reply"], first, name="Rea")
    post(frame, "My own comment with **bold** text")
    page.reload()
    frame = frame_of(page)
    expect(frame.locator("#comments > li")).to_have_count(2)
    expect(frame.get_by_role("button", name="Show 1 more reply")).to_be_visible()
    check(frame)  # with comments, own and others', replies and "Show 1 more reply"

    others = frame.locator("#comments > li").first.locator(":scope > .card")
    others.get_by_role("button", name="Reply to Seeder0").click()
    expect(others.locator("form.reply")).to_be_visible()
    check(frame)  # replying
    others.get_by_role("button", name="Cancel").click()

    others.get_by_role("button", name="Report").click()
    expect(others.locator("form.rep-f")).to_be_visible()
    check(frame)  # reporting

    mine = frame.locator("#comments > li").last
    mine.get_by_role("button", name="Edit").click()
    expect(mine.locator("form.edit-f textarea")).to_be_visible()
    check(frame)  # editing
    mine.get_by_role("button", name="Delete").first.click()
    expect(mine.locator(".confirm")).to_be_visible()
    check(frame)  # confirming a deletion

    with widget.live.app.app_context():
        db.session.execute(update(Article).where(Article.key == "a11y").values(closed=True))
        db.session.commit()
        db.session.remove()
    watch.allow("403")
    form = frame.locator("#post")
    form.locator("textarea").fill("Too late")
    form.get_by_label("Name").fill("Ada")
    form.get_by_role("button", name="Post comment").click()
    expect(form.locator(".msg")).not_to_be_empty()
    check(frame)  # an error

    check(widget.open(page, site, "a11y-dark", attrs='data-theme="dark"').frame)  # the dark theme


def test_every_dashboard_page(page, widget, watch):
    page.goto(f"{widget.live.url}/auth/login")
    assert_no_serious_axe_violations(page)
    dashboard = admin_dashboard(page, widget)
    for url in dashboard.urls:
        page.goto(url)
        assert_no_serious_axe_violations(page)
    settings = next(url for url in dashboard.urls if url.endswith("/settings"))
    page.goto(settings)
    page.get_by_label("Report threshold").fill("100000")
    watch.allow("400")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("p.error").first).to_be_visible()
    assert_no_serious_axe_violations(page)  # the form with an error beside a field


def test_the_checker_catches_serious_violations_and_honours_exclusions(page, host_pages):
    url = host_pages.add(
        "inaccessible",
        "<!doctype html><html><head><title>x</title></head><body><main>"
        '<img src="data:,"><button></button><input type="text"></main></body></html>',
    )
    page.goto(url)
    with pytest.raises(AssertionError) as found:
        assert_no_serious_axe_violations(page)
    for rule in ("image-alt", "button-name", "label", "html-has-lang"):
        assert rule in str(found.value)
    assert [v["id"] for v in serious_axe_violations(page, {"image-alt": "test"})].count(
        "image-alt"
    ) == 0
