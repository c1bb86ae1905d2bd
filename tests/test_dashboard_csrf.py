"""CSRF on every dashboard form: no token (or another session's token) is a 403 page and
changes nothing; every form the pages render carries the token; no form answers GET."""

from __future__ import annotations

import re

from tests.dashboard_support import (
    csrf_token,
    rule_cases,
    signed_in,
    snapshot,
    url_and_form,
)

FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def post_rules(app):
    return [rule for method, rule in rule_cases(app) if method == "POST"]


def test_every_form_without_the_token_is_refused_and_changes_nothing(app, world):
    client = signed_in(app, "admin@example.org")  # may do everything: only CSRF can refuse
    for rule in post_rules(app):
        url, form = url_and_form(world, "POST", rule, with_token=None)
        before = snapshot(app)
        response = client.post(url, data=form)
        assert response.status_code == 403, (rule.rule, response.status_code)
        assert "text/html" in response.content_type
        assert "CSRF" in response.get_data(as_text=True)
        assert snapshot(app) == before, f"{rule.rule} changed something without a CSRF token"


def test_a_token_from_another_session_is_refused(app, world):
    client = signed_in(app, "admin@example.org")
    stranger_token = csrf_token(app.test_client())
    for rule in post_rules(app):
        url, form = url_and_form(world, "POST", rule, with_token=stranger_token)
        before = snapshot(app)
        response = client.post(url, data=form)
        assert response.status_code == 403, rule.rule
        assert snapshot(app) == before, rule.rule


def test_the_same_form_with_the_token_goes_through(app, world):
    client = signed_in(app, "admin@example.org")
    for rule in post_rules(app):
        url, form = url_and_form(world, "POST", rule, with_token=client.csrf)
        response = client.post(url, data=form)
        assert response.status_code == 303, (rule.rule, response.get_data(as_text=True)[:500])


def test_no_dashboard_form_answers_get(app, world):
    client = signed_in(app, "admin@example.org")
    pages = {rule.rule for method, rule in rule_cases(app) if method == "GET"}
    for rule in post_rules(app):
        if rule.rule in pages:
            continue  # a page and its form share an address; the GET is the page
        url, _form = url_and_form(world, "POST", rule, with_token=None)
        assert client.get(url).status_code == 405, rule.rule


def test_every_post_form_on_every_page_carries_the_csrf_token(app, world):
    comment_id, _article = world.fresh_comment()
    client = signed_in(app, "admin@example.org")
    pages = [
        "/moderation/",
        "/moderation/queue/pending",
        "/moderation/sites/news/queue/pending",
        "/moderation/search?q=waiting",
        f"/moderation/comments/{comment_id}",
        f"/moderation/users/{world.author_id}",
        "/moderation/audit",
        "/moderation/sites/news/articles",
        "/moderation/sites/news/settings",
    ]
    seen_forms = 0
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for attributes, body in FORM_RE.findall(response.get_data(as_text=True)):
            method = re.search(r'method="(\w+)"', attributes)
            assert method, f"a form without a method on {page}"
            if method.group(1).lower() == "post":
                seen_forms += 1
                assert re.search(r'name="csrf_token" value="[\w.-]{20,}"', body), (page, attributes)
    assert seen_forms >= 10
