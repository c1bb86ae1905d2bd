"""The dashboard on a 360 px wide phone: no page is wider than the screen."""

from __future__ import annotations

from tests.browser.dashboard_pages import admin_dashboard

PHONE = {"width": 360, "height": 740}


def test_no_dashboard_page_overflows_a_360_px_screen(page, widget, watch):
    dashboard = admin_dashboard(page, widget)
    page.set_viewport_size(PHONE)
    too_wide = {}
    for url in dashboard.urls:
        assert page.goto(url).status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url.split("/moderation")[1]] = width
    assert too_wide == {}
