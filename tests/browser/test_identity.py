"""Readers' accounts and publisher sign-on in the widget, in Chromium, on a host page of another
site, with third-party cookies blocked.

Third-party cookies: Playwright's Chromium contexts block them by default (as browsers with
tracking protection do). The host page is http://127.0.0.1:<port> and Parley is
http://localhost:<port>, so the frame is a cross-site context where only Parley's partitioned
(CHIPS) cookie is stored: every session below lives in it, and nothing else could carry it.
"""

from __future__ import annotations

import re
import time
import uuid

import jwt
from playwright.sync_api import expect

from app.services.sites import get_site
from app.services.sso import configure
from tests.identity_support import STRONG

from .widget_support import FRAME, post

SECRET = "browser-test-shared-secret-0123456789"


def sso_site(widget) -> str:
    slug = widget.site()
    with widget.live.app.app_context():
        configure(get_site(slug), secret=SECRET)
    return slug


def token(site: str, name: str = "Sam Subscriber", expires_in: int = 600, **extra) -> str:
    claims = {"sub": "pub-42", "name": name, "aud": site, "exp": int(time.time()) + expires_in}
    return jwt.encode({**claims, **extra}, SECRET, algorithm="HS256")


def test_third_party_cookies_are_blocked_in_these_contexts(page, widget, watch):
    """The premise of the file: a plain cookie set inside the cross-site frame is not kept."""
    site = widget.site()
    page.goto(widget.page(site, "premise"))
    frame = page.frame_locator(FRAME)
    expect(frame.get_by_role("button", name="Sign in")).to_be_visible()
    stored = page.context.cookies(widget.live.url)
    assert stored and all(c.get("partitionKey") or c["sameSite"] == "None" for c in stored)


def test_reader_creates_an_account_posts_reloads_and_signs_out(page, widget, watch):
    watch.allow("401")
    site = widget.site()
    email = f"ada-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(widget.page(site, "accounts"))
    frame = page.frame_locator(FRAME)
    frame.get_by_role("button", name="Create account").click()
    expect(frame.get_by_role("heading", name="Create an account")).to_be_visible()
    frame.get_by_label("Name", exact=True).fill("Ada Reader")
    frame.get_by_label("Email", exact=True).fill(email)
    frame.get_by_label("Password", exact=True).fill(STRONG)
    frame.get_by_role("button", name="Create account").click()

    expect(frame.locator("#acct .me")).to_have_text("Ada Reader")
    expect(frame.get_by_role("button", name="Sign out")).to_be_visible()
    expect(frame.locator("#post input[name=author_name]")).to_have_count(0)
    post(frame, "Posted with my account", name=None)
    mine = frame.locator("li.comment", has_text="Posted with my account")
    expect(mine.locator(".author")).to_have_text("Ada Reader")
    expect(mine.locator("img.avatar")).to_have_attribute("src", re.compile("/avatars/"))

    page.reload()
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#acct .me")).to_have_text("Ada Reader")
    frame.get_by_role("button", name="Sign out").click()
    expect(frame.get_by_role("button", name="Sign in")).to_be_visible()
    page.reload()
    expect(page.frame_locator(FRAME).get_by_role("button", name="Sign in")).to_be_visible()

    frame = page.frame_locator(FRAME)
    frame.get_by_role("button", name="Sign in").click()
    expect(frame.get_by_role("heading", name="Sign in to comment")).to_be_visible()
    frame.get_by_label("Email", exact=True).fill(email)
    frame.get_by_label("Password", exact=True).fill("not-my-password-at-all")
    frame.get_by_role("button", name="Sign in").click()
    expect(frame.get_by_role("alert")).to_have_text(
        "That email and password do not match an account."
    )
    frame.get_by_label("Password", exact=True).fill(STRONG)
    frame.get_by_role("button", name="Sign in").click()
    expect(frame.locator("#acct .me")).to_have_text("Ada Reader")


def test_data_sso_signs_the_reader_in_without_any_parley_form(page, widget, watch):
    site = sso_site(widget)
    sso = token(site, badge="subscriber")
    page.goto(widget.page(site, "sso", attrs=f'data-sso="{sso}"'))
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#acct .me")).to_have_text("Sam Subscriber")
    expect(frame.locator("#acct .badge")).to_have_text("subscriber")
    expect(frame.get_by_role("button", name="Sign in")).to_have_count(0)
    expect(frame.locator("input[type=password]")).to_have_count(0)
    post(frame, "Via the publisher", name=None)
    mine = frame.locator("li.comment", has_text="Via the publisher")
    expect(mine.locator(".author")).to_have_text("Sam Subscriber")
    expect(mine.locator(".badge")).to_have_text("subscriber")


def test_a_forged_or_expired_token_shows_a_message_and_the_guest_form_still_works(
    page, widget, watch
):
    watch.allow("401")
    site = sso_site(widget)
    forged = jwt.encode({"sub": "x", "name": "Mallory", "aud": site, "exp": 2**31}, "w" * 40)
    page.goto(widget.page(site, "forged", attrs=f'data-sso="{forged}"'))
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#sso-msg")).to_have_text(
        "We could not sign you in with this site's account. You can still comment as a guest."
    )
    post(frame, "Still here as a guest", name="Guest Gina")
    expect(
        frame.locator("li.comment", has_text="Still here as a guest").locator(".author")
    ).to_have_text("Guest Gina")
    page.goto(widget.page(site, "expired", attrs=f'data-sso="{token(site, expires_in=-600)}"'))
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#sso-msg")).to_contain_text("expired")
    expect(frame.get_by_role("button", name="Sign in")).to_be_visible()


def test_parley_login_and_logout_on_a_single_page_host(page, widget, watch):
    site = sso_site(widget)
    page.goto(widget.page(site, "spa"))
    frame = page.frame_locator(FRAME)
    expect(frame.get_by_role("button", name="Sign in")).to_be_visible()
    page.evaluate("t => Parley.login(t)", token(site, name="Single Page Sam"))
    expect(frame.locator("#acct .me")).to_have_text("Single Page Sam")
    page.evaluate("() => Parley.load({article: 'spa-2'})")
    expect(frame.locator("#acct .me")).to_have_text("Single Page Sam")
    page.evaluate("() => Parley.logout()")
    expect(frame.get_by_role("button", name="Sign in")).to_be_visible()
    expect(frame.locator("#acct .me")).to_have_count(0)


def test_profile_previews_and_uploads_an_avatar(page, widget, watch, tmp_path):
    from PIL import Image

    site = widget.site()
    page.goto(widget.page(site, "profile"))
    frame = page.frame_locator(FRAME)
    frame.get_by_role("button", name="Create account").click()
    expect(frame.get_by_role("heading", name="Create an account")).to_be_visible()
    frame.get_by_label("Name", exact=True).fill("Pic Reader")
    frame.get_by_label("Email", exact=True).fill(f"pic-{uuid.uuid4().hex[:8]}@example.org")
    frame.get_by_label("Password", exact=True).fill(STRONG)
    frame.get_by_role("button", name="Create account").click()
    frame.get_by_role("link", name="Your profile").click()
    picture = tmp_path / "me.png"
    Image.new("RGB", (80, 80), "orange").save(picture)
    frame.get_by_label("Choose a picture").set_input_files(str(picture))
    preview = frame.locator("#avatar-preview")
    expect(preview).to_have_attribute("src", re.compile("^data:image/png"))
    frame.get_by_role("button", name="Upload picture").click()
    expect(frame.locator("#avatar-msg")).to_have_text("Your new picture is saved.")
    expect(preview).to_have_attribute("src", re.compile(r"/avatars/u/[0-9a-f]{32}\.webp$"))
    frame.get_by_role("link", name="Back to comments").click()
    expect(frame.locator("#acct img.avatar")).to_have_attribute("src", re.compile(r"/avatars/u/"))
