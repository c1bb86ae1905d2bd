"""The dashboard's webhook pages: admins only, CSRF on every form, HTML errors for bad input,
the delivery log with a working redeliver button, and the notice of a disabled webhook."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.limits import WEBHOOK_URL_MAX
from app.models import Webhook
from tests.dashboard_support import signed_in
from tests.factories import post_comment
from tests.webhook_receiver import receiver, verify

pytestmark = pytest.mark.world(premod=False)
PAGE = "/moderation/sites/news/webhooks"
SECRET = "dashboard-webhook-secret"


def webhooks(app) -> list[Webhook]:
    with app.app_context():
        return list(db.session.scalars(select(Webhook).order_by(Webhook.id)))


def test_moderators_get_403_and_admins_see_the_page_linked_from_the_navigation(app, world):
    moderator = signed_in(app, "mod@example.org")
    assert moderator.get(PAGE).status_code == 403
    refused = moderator.post(
        PAGE, data={"url": "https://93.184.215.14/", "secret": SECRET, "csrf_token": moderator.csrf}
    )
    assert refused.status_code == 403 and webhooks(app) == []
    assert PAGE not in moderator.get("/moderation/sites/news/articles").get_data(as_text=True)
    admin = signed_in(app, "admin@example.org")
    assert f'href="{PAGE}"' in admin.get("/moderation/sites/news/articles").get_data(as_text=True)
    page = admin.get(PAGE)
    assert page.status_code == 200 and "No webhooks yet" in page.get_data(as_text=True)


def test_adding_needs_the_csrf_token(app, world):
    admin = signed_in(app, "admin@example.org")
    response = admin.post(PAGE, data={"url": "https://93.184.215.14/", "secret": SECRET})
    assert response.status_code == 403 and webhooks(app) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"url": "http://127.0.0.1:8000/x"}, "loopback, private or link-local"),
        ({"url": "http://169.254.169.254/"}, "loopback, private or link-local"),
        ({"url": "ftp://93.184.215.14/"}, "http:// or https://"),
        ({"url": "https://93.184.215.14/" + "x" * WEBHOOK_URL_MAX}, "at most"),
        ({"secret": "abc"}, "the secret must be"),
        ({"events": ["comment.liked"]}, "choose the events"),
        ({"url": ""}, "give the receiver"),
    ],
)
def test_bad_input_is_an_html_page_that_says_what_to_fix(app, world, form, message):
    admin = signed_in(app, "admin@example.org")
    data = {"url": "https://93.184.215.14/hooks", "secret": SECRET, "csrf_token": admin.csrf}
    response = admin.post(PAGE, data={**data, **form})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "text/html" in response.content_type
    assert message in response.get_data(as_text=True)
    assert webhooks(app) == []


def test_an_admin_adds_disables_enables_and_removes_a_webhook(app, world):
    admin = signed_in(app, "admin@example.org")
    added = admin.post(
        PAGE,
        data={
            "url": "https://93.184.215.14/hooks",
            "secret": SECRET,
            "events": ["comment.created", "comment.approved"],
            "csrf_token": admin.csrf,
        },
    )
    assert added.status_code == 303
    [hook] = webhooks(app)
    assert hook.events == ["comment.created", "comment.approved"] and hook.secret == SECRET
    page = admin.get(PAGE).get_data(as_text=True)
    assert "https://93.184.215.14/hooks" in page and SECRET not in page
    for action, enabled in (("disable", False), ("enable", True)):
        answer = admin.post(f"{PAGE}/{hook.id}", data={"action": action, "csrf_token": admin.csrf})
        assert answer.status_code == 303
        assert webhooks(app)[0].enabled is enabled
    gone = admin.post(f"{PAGE}/{hook.id}", data={"action": "remove", "csrf_token": admin.csrf})
    assert gone.status_code == 303 and webhooks(app) == []
    assert (
        admin.post(
            f"{PAGE}/{hook.id}", data={"action": "enable", "csrf_token": admin.csrf}
        ).status_code
        == 404
    )


def test_the_delivery_log_shows_outcomes_and_redeliver_sends_the_same_event(app, world):
    app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = True
    admin = signed_in(app, "admin@example.org")
    with receiver() as hook:
        form = {"url": hook.url, "secret": SECRET, "csrf_token": admin.csrf}
        assert admin.post(PAGE, data=form).status_code == 303
        [webhook] = webhooks(app)
        posted = post_comment(app.test_client(), "Hello hooks")
        posted.close()
        [first] = hook.wait_for(1)
        log = admin.get(f"{PAGE}/{webhook.id}").get_data(as_text=True)
        assert first.id in log and 'data-status="succeeded"' in log and "204" in log
        delivery_id = int(log.split('data-delivery="')[1].split('"')[0])
        again = admin.post(
            f"{PAGE}/{webhook.id}/deliveries/{delivery_id}", data={"csrf_token": admin.csrf}
        )
        assert again.status_code == 303
        again.close()
        _, second = hook.wait_for(2)
    assert second.id == first.id and second.body == first.body
    verify(SECRET, second)


def test_a_webhook_disabled_by_failures_is_announced_to_admins_only(app, world):
    app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = True
    app.config["PARLEY_WEBHOOK_DISABLE_AFTER"] = 1
    admin = signed_in(app, "admin@example.org")
    with receiver(fail_first=10) as hook:
        assert (
            admin.post(
                PAGE, data={"url": hook.url, "secret": SECRET, "csrf_token": admin.csrf}
            ).status_code
            == 303
        )
        post_comment(app.test_client(), "fails").close()
        hook.wait_for(1)
    [webhook] = webhooks(app)
    assert webhook.enabled is False
    notice = f'data-webhook-alert="{webhook.id}"'
    assert notice in admin.get("/moderation/").get_data(as_text=True)
    assert notice not in signed_in(app, "mod@example.org").get("/moderation/").get_data(
        as_text=True
    )
