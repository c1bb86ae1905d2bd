"""Who may open every dashboard page and submit every dashboard form.

The routes come from ``app.url_map`` (every rule of the ``dashboard`` blueprint), so a route
added later is covered without touching this file, unless it is a form this file cannot fill:
then ``test_every_dashboard_form_has_test_data`` fails and says which.
"""

from __future__ import annotations

import re

import pytest

from tests.dashboard_support import (
    FORMS,
    csrf_token,
    dashboard_rules,
    rule_cases,
    signed_in,
    snapshot,
    url_and_form,
)

# Pages only admins may open (a moderator gets 403 even on their own site). A site's
# settings page is not among them: its moderators read the settings (as in the API), and
# only the form that saves them is for admins.
ADMIN_ONLY = {
    "dashboard.save_settings",
    "dashboard.list_staff",
    "dashboard.add_staff",
    "dashboard.update_staff",
    "dashboard.list_webhooks",
    "dashboard.add_webhook",
    "dashboard.change_webhook",
    "dashboard.show_deliveries",
    "dashboard.redeliver",
}
# URL arguments that tie a route to one site: another site's moderator gets 403 there.
SITE_BOUND_ARGS = {"site_slug", "comment_id"}
# An account's page without a site: for admins and all-site moderators only (issue 8).
EVERYWHERE_STAFF_ONLY = {"dashboard.show_author"}


def test_every_dashboard_form_has_test_data(app):
    posts = {rule.endpoint for method, rule in rule_cases(app) if method == "POST"}
    assert posts, "the dashboard has forms"
    assert posts <= set(FORMS), f"add test form data for {sorted(posts - set(FORMS))}"


def test_the_dashboard_has_the_pages_the_moderators_need(app):
    endpoints = {rule.endpoint for rule in dashboard_rules(app)}
    assert {
        "dashboard.index",
        "dashboard.show_queue",
        "dashboard.search",
        "dashboard.show_comment",
        "dashboard.show_audit",
        "dashboard.list_articles",
        "dashboard.edit_settings",
        "dashboard.moderate_comment",
        "dashboard.bulk_moderate",
        "dashboard.moderate_author",
    } <= endpoints


def request_as(client, method: str, url: str, form: dict):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=form)


def test_anonymous_visitors_are_sent_to_sign_in_on_every_route(app, world):
    client = app.test_client()
    token = csrf_token(client)  # a real token, so the refusal is the sign-in, not CSRF
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        response = request_as(client, method, url, form)
        assert response.status_code == 302, (method, rule.rule, response.status_code)
        assert response.headers["Location"].startswith("/auth/login?next="), rule.rule


def test_readers_get_403_on_every_route(app, world):
    client = signed_in(app, "reader@example.org")
    token = client.csrf
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        response = request_as(client, method, url, form)
        assert response.status_code == 403, (method, rule.rule, response.status_code)
        assert "text/html" in response.content_type


def test_moderator_of_another_site_gets_403_on_this_sites_pages_and_forms(app, world):
    client = signed_in(app, "othermod@example.org")
    token = client.csrf
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        before = snapshot(app)
        response = request_as(client, method, url, form)
        # Every form here names a comment, article or setting of news: all are site-bound.
        site_bound = method == "POST" or bool(set(rule.arguments) & SITE_BOUND_ARGS)
        if site_bound or rule.endpoint in ADMIN_ONLY | EVERYWHERE_STAFF_ONLY:
            assert response.status_code == 403, (method, rule.rule, response.status_code)
            assert snapshot(app) == before, f"{method} {rule.rule} changed something"
        else:
            assert response.status_code in (200, 302), (method, rule.rule, response.status_code)


def test_moderator_of_another_site_does_not_see_this_sites_comments(app, world):
    comment_id, _article = world.fresh_comment()
    client = signed_in(app, "othermod@example.org")
    for url in ("/moderation/", "/moderation/queue/pending", "/moderation/search?q=waiting"):
        html = client.get(url).get_data(as_text=True)
        assert f'data-comment-id="{comment_id}"' not in html, url


@pytest.mark.parametrize("email", ["mod@example.org", "admin@example.org"])
def test_moderator_of_the_site_and_admin_may_use_every_route(app, world, email):
    client = signed_in(app, email)
    token = client.csrf
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        response = request_as(client, method, url, form)
        if rule.endpoint in ADMIN_ONLY and email != "admin@example.org":
            assert response.status_code == 403, (method, rule.rule, response.status_code)
            continue
        if method == "GET":
            expected = 302 if rule.endpoint == "dashboard.choose_site" else 200
            assert response.status_code == expected, (rule.rule, response.status_code)
        else:
            assert response.status_code == 303, (rule.rule, response.get_data(as_text=True))
            landing = client.get(response.headers["Location"])
            assert landing.status_code == 200, (rule.rule, response.headers["Location"])


def test_moderators_read_settings_where_admins_change_them_as_the_api_says(app, world):
    moderator = signed_in(app, "mod@example.org")
    page = moderator.get("/moderation/sites/news/settings")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-read-only" in html and "disabled" in html
    assert "Save settings" not in html
    api = moderator.get("/api/v1/moderation/sites/news/settings")
    assert api.status_code == 200
    assert set(api.get_json()["settings"]) <= set(re.findall(r'name="([a-z_]+)"', html))
    admin = signed_in(app, "admin@example.org").get("/moderation/sites/news/settings")
    assert admin.status_code == 200
    assert "Save settings" in admin.get_data(as_text=True)
    assert "data-read-only" not in admin.get_data(as_text=True)
