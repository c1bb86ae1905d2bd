"""axe-core on the frame's sign-in, sign-up and profile views: no serious or critical violation.

axe-core comes from npm (``npm ci`` at the repository's root installs the version pinned in
package.json / package-lock.json into node_modules/); it is injected into the frame's document
by Playwright. Without it these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import require_or_skip
from tests.identity_support import STRONG

from .widget_support import FRAME

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        require_or_skip("axe-core is not installed: run `npm ci` at the repository's root")
    return AXE.read_text()


def serious_violations(frame, axe_source: str) -> list[str]:
    frame.evaluate(axe_source)
    result = frame.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def content(page):
    return page.wait_for_selector(FRAME).content_frame()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_sign_in_sign_up_and_profile_views_pass_axe(page, widget, watch, axe_source, theme):
    site = widget.site()
    page.goto(widget.page(site, f"a11y-{theme}", attrs=f'data-theme="{theme}"'))
    frame = page.frame_locator(FRAME)
    frame.get_by_role("button", name="Sign in").click()
    expect(frame.get_by_role("heading", name="Sign in to comment")).to_be_visible()
    assert serious_violations(content(page), axe_source) == []
    frame.get_by_role("link", name="Create one").click()
    expect(frame.get_by_role("heading", name="Create an account")).to_be_visible()
    assert serious_violations(content(page), axe_source) == []
    frame.get_by_label("Name", exact=True).fill("Axe Reader")
    frame.get_by_label("Email", exact=True).fill(f"axe-{uuid.uuid4().hex[:8]}@example.org")
    frame.get_by_label("Password", exact=True).fill(STRONG)
    frame.get_by_role("button", name="Create account").click()
    frame.get_by_role("link", name="Your profile").click()
    expect(frame.get_by_role("heading", name="Your profile")).to_be_visible()
    assert serious_violations(content(page), axe_source) == []
