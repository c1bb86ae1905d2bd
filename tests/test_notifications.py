"""Reply e-mails end to end through a real SMTP server (aiosmtpd), without Redis: jobs run in
the web process after the response (docs/notifications.md). tests/test_notification_workers.py
runs the same mail through Redis and two ``flask worker`` processes on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ReplyNotice, Role
from app.notification_jobs import base_url, reader_mail
from app.services.profiles import update_profile
from app.services.site_settings import apply_site_settings, effective_settings
from app.services.sites import get_site
from app.services.users import get_user_by_email
from tests.dashboard_support import csrf_token, form_for, signed_in
from tests.factories import make_site
from tests.mail_support import dispose, eventually, make_mail_app, parts
from tests.notification_support import (
    ARTICLE_URL,
    account,
    alice_and_bob,
    moderate,
    opt_in_path,
    post,
    unsubscribe_path,
    wants_replies,
    whole,
)


@pytest.fixture
def news(mail_app):
    make_site(mail_app, "news", name="Daily News")
    return mail_app


@pytest.fixture
def held_news(news):
    """The news site holding every comment for a moderator."""
    with news.app_context():
        apply_site_settings("news", {"premod": True}, None)
    return news


def test_a_visible_reply_is_mailed_once_to_the_comment_author_and_never_for_ones_own(news, smtp):
    inbox, _ = smtp
    client = news.test_client()
    alice, bob = alice_and_bob(news)
    top = post(client, "What do you think?", alice)
    reply = post(client, "I think **so**.", bob, parent_id=top["id"])
    assert [m["To"] for m in inbox.messages] == ["alice@example.org"]
    message = inbox.messages[0]
    assert message["From"] == "Daily News <comments@news.example>"
    assert message["Subject"] == "New reply to your comment"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "<replies.news.localhost>"
    assert unsubscribe_path(message)
    text, html = parts(message)
    assert "Bob wrote:" in text and "I think **so**." in text
    assert f"{ARTICLE_URL}#parley-comment-{reply['id']}" in text
    assert f'href="{ARTICLE_URL}#parley-comment-{reply["id"]}"' in html
    assert "bob@example.org" not in whole(message)  # no other reader's address, anywhere
    post(client, "Answering myself.", alice, parent_id=top["id"])
    post(client, "Bob again, to himself.", bob, parent_id=reply["id"])
    assert len(inbox.messages) == 1
    # A retried job, or the same event again, sends nothing more.
    with news.app_context():
        reader_mail("comment.created", reply["id"], "http://localhost")
        reader_mail("comment.approved", reply["id"], "http://localhost")
        assert db.session.scalar(select(func.count()).select_from(ReplyNotice)) == 1
    assert len(inbox.messages) == 1


def test_a_held_reply_is_mailed_only_once_approved_and_only_once(held_news, smtp):
    inbox, _ = smtp
    news = held_news
    client = news.test_client()
    mod = account(news, "mod@example.org", "Mod", Role.MODERATOR)
    alice, bob = alice_and_bob(news)
    top = post(client, "Held first.", alice)
    moderate(client, mod, top["id"], "approve")
    reply = post(client, "A held reply.", bob, parent_id=top["id"])
    assert reply["status"] == "pending"
    assert inbox.messages == []
    moderate(client, mod, reply["id"], "approve")
    assert [m["To"] for m in inbox.messages] == ["alice@example.org"]
    moderate(client, mod, reply["id"], "reject")
    moderate(client, mod, reply["id"], "restore")
    assert len(inbox.messages) == 1


def test_a_reader_who_turned_reply_mail_off_gets_none(news, smtp):
    inbox, _ = smtp
    client = news.test_client()
    alice, bob = alice_and_bob(news)
    with news.app_context():
        update_profile(get_user_by_email("alice@example.org"), reply_notifications=False)
    top = post(client, "Quiet please.", alice)
    post(client, "A reply.", bob, parent_id=top["id"])
    assert inbox.messages == []


def test_one_click_unsubscribe_needs_no_sign_in_and_a_tampered_link_does_nothing(news, smtp):
    inbox, _ = smtp
    client = news.test_client()
    alice, bob = alice_and_bob(news)
    top = post(client, "Mail me.", alice)
    post(client, "First.", bob, parent_id=top["id"])
    path = unsubscribe_path(inbox.last("alice@example.org"))
    stranger = news.test_client()  # no session, no CSRF token: a mail client's POST
    one_click = {"List-Unsubscribe": "One-Click"}
    for tampered in (path[:-3] + "xyz", path.replace("/unsubscribe/", "/unsubscribe/x")):
        refused = stranger.post(tampered, data=one_click)
        assert refused.status_code == 400
    assert stranger.post(path, data={}).status_code == 400  # not the RFC 8058 body
    page = stranger.get(path)
    assert page.status_code == 200 and "Stop reply e-mails" in page.get_data(as_text=True)
    assert wants_replies(news, "alice@example.org") is True  # a GET or a bad POST changes nothing
    done = stranger.post(path, data=one_click)
    assert done.status_code == 200 and "Unsubscribed" in done.get_data(as_text=True)
    assert wants_replies(news, "alice@example.org") is False
    post(client, "Second.", bob, parent_id=top["id"])
    assert len(inbox.messages) == 1


def test_guests_get_reply_mail_only_after_confirming_and_strangers_never(news, smtp):
    inbox, _ = smtp
    client = news.test_client()
    bob = account(news, "bob@example.org", "Bob")
    guest = {"author_name": "Carol", "author_email": "carol@example.org"}
    for bad in ("yes", 1, "true", [True]):
        refused = client.post(
            "/api/v1/comments",
            json={"site": "news", "article": "a1", "body": "x", **guest, "notify_replies": bad},
            headers={"Origin": "http://localhost"},
        )
        assert refused.status_code == 400
        assert refused.get_json()["error"]["code"] == "invalid_notify_replies"
    no_address = client.post(
        "/api/v1/comments",
        json={
            "site": "news",
            "article": "a1",
            "body": "x",
            "author_name": "Carol",
            "notify_replies": True,
        },
        headers={"Origin": "http://localhost"},
    )
    assert no_address.get_json()["error"]["code"] == "invalid_notify_replies"
    # A guest who gives an address without asking: never mailed.
    silent = post(client, "No mail for me.", author_name="Dave", author_email="dave@example.org")
    post(client, "Reply to Dave.", bob, parent_id=silent["id"])
    assert inbox.to("dave@example.org") == []
    # Carol asks: only the confirmation arrives, and no reply mail until she confirms.
    asked = post(client, "Tell me about replies.", notify_replies=True, **guest)
    confirmation = inbox.last("carol@example.org")
    assert confirmation["Subject"] == "Confirm reply e-mails"
    post(client, "Before confirming.", bob, parent_id=asked["id"])
    assert len(inbox.to("carol@example.org")) == 1
    path = opt_in_path(confirmation)
    browser = news.test_client()
    assert browser.get(path).status_code == 200  # a scanner opening the link confirms nothing
    post(client, "Still before.", bob, parent_id=asked["id"])
    assert len(inbox.to("carol@example.org")) == 1
    assert (
        browser.post(path[:-2] + "zz", data={"csrf_token": csrf_token(browser, path)}).status_code
        == 400
    )
    confirmed = browser.post(path, data={"csrf_token": csrf_token(browser, path)})
    assert confirmed.status_code == 200
    post(client, "After confirming.", bob, parent_id=asked["id"])
    mails = inbox.to("carol@example.org")
    assert [m["Subject"] for m in mails] == ["Confirm reply e-mails", "New reply to your comment"]
    assert "After confirming." in parts(mails[-1])[0]
    assert "Before confirming." not in parts(mails[-1])[0]
    assert "bob@example.org" not in whole(mails[-1])
    # Her own reply to her own comment is not mailed; unsubscribing stops the rest.
    post(client, "Me again.", parent_id=asked["id"], **guest)
    assert len(inbox.to("carol@example.org")) == 2
    unsubscribed = news.test_client().post(
        unsubscribe_path(mails[-1]), data={"List-Unsubscribe": "One-Click"}
    )
    assert unsubscribed.status_code == 200
    post(client, "After unsubscribing.", bob, parent_id=asked["id"])
    assert len(inbox.to("carol@example.org")) == 2
    # An address that unsubscribed is not asked again.
    post(client, "Asking again.", notify_replies=True, **guest)
    assert len(inbox.to("carol@example.org")) == 2


def test_typing_a_strangers_address_again_and_again_sends_them_one_request(news, smtp):
    inbox, _ = smtp
    client = news.test_client()
    for number in range(3):
        post(
            client,
            f"Pestering {number}.",
            author_name="Mallory",
            author_email="Victim@example.org" if number else "victim@example.org",
            notify_replies=True,
        )
    assert [m["Subject"] for m in inbox.messages] == ["Confirm reply e-mails"]


def test_what_readers_typed_is_escaped_in_html_and_literal_in_text(news, smtp):
    inbox, _ = smtp
    client = news.test_client()
    alice = account(news, "alice@example.org", "Alice")
    top = post(client, "Safe?", alice)
    body = "<script>alert(1)</script> and <b>bold</b>"
    name = "Eve <img src=x onerror=alert(1)>"
    post(client, body, parent_id=top["id"], author_name=name)
    text, html = parts(inbox.last("alice@example.org"))
    assert body in text and name in text
    assert "<script>" not in html and "<b>bold" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Eve &lt;img src=x onerror=alert(1)&gt;" in html


def test_a_burst_of_replies_makes_one_mail_at_once_and_one_batch_when_the_window_ends(app, smtp):
    inbox, port = smtp
    news = make_mail_app(app, port, PARLEY_REPLY_MAIL_BATCH_MINUTES=0.04)  # 2.4 s
    try:
        make_site(news, "news", name="Daily News")
        client = news.test_client()
        alice, bob = alice_and_bob(news)
        top = post(client, "Discuss.", alice)
        for number in range(1, 4):
            post(client, f"Reply number {number}.", bob, parent_id=top["id"])
        assert len(inbox.messages) == 1  # the first at once; the others wait for the window
        runner = news.test_cli_runner()
        assert runner.invoke(args=["notifications", "send-due"]).exit_code == 0
        assert len(inbox.messages) == 1  # the window has not ended yet
        time.sleep(2.5)
        result = runner.invoke(args=["notifications", "send-due"])
        assert result.exit_code == 0, result.output
        assert [m["Subject"] for m in inbox.messages] == [
            "New reply to your comment",
            "2 new replies to your comment",
        ]
        text = parts(inbox.messages[1])[0]
        assert "Reply number 2." in text and "Reply number 3." in text
        assert "Reply number 1." not in text
        assert runner.invoke(args=["notifications", "send-due"]).exit_code == 0
        assert len(inbox.messages) == 2
    finally:
        dispose(news)


def test_author_alerts_tell_a_held_comments_author_of_its_approval_once(held_news, smtp):
    inbox, _ = smtp
    news = held_news
    client = news.test_client()
    mod = account(news, "mod@example.org", "Mod", Role.MODERATOR)
    alice = account(news, "alice@example.org", "Alice")
    quiet = post(client, "Before alerts were on.", alice)
    moderate(client, mod, quiet["id"], "approve")
    assert inbox.messages == []  # the site has author alerts off by default
    with news.app_context():
        apply_site_settings("news", {"author_alerts": True}, None)
    held = post(client, "Held, then approved.", alice)
    assert inbox.messages == []
    moderate(client, mod, held["id"], "approve")
    alert = inbox.last("alice@example.org")
    assert alert["Subject"] == "Your comment is published"
    assert alert["From"] == "Daily News <comments@news.example>"
    assert "Held, then approved." in parts(alert)[0]
    assert f"{ARTICLE_URL}#parley-comment-{held['id']}" in parts(alert)[0]
    moderate(client, mod, held["id"], "reject")
    moderate(client, mod, held["id"], "restore")
    assert len(inbox.messages) == 1
    # A guest who never opted in is not told.
    guest = post(client, "A guest.", author_name="Gus", author_email="gus@example.org")
    moderate(client, mod, guest["id"], "approve")
    assert inbox.to("gus@example.org") == []


def test_links_in_mail_use_the_public_url_outside_a_request(news):
    with news.app_context():
        assert base_url() == "http://localhost"


def test_admins_turn_author_alerts_on_in_the_dashboard_settings(app, world):
    admin = signed_in(app, "admin@example.org")
    page = admin.get("/moderation/sites/news/settings").get_data(as_text=True)
    assert 'name="author_alerts"' in page
    form = form_for(world, "dashboard.save_settings", 0, "a1")
    assert "author_alerts" not in form  # off by default
    saved = admin.post(
        "/moderation/sites/news/settings",
        data={**form, "author_alerts": "on", "csrf_token": admin.csrf},
    )
    assert saved.status_code == 303
    with app.app_context():
        assert effective_settings(get_site("news"))["author_alerts"] is True


def test_a_reply_mail_the_server_deferred_is_sent_on_the_retry_not_lost(news, smtp):
    inbox, _ = smtp
    client = news.test_client()
    alice, bob = alice_and_bob(news)
    top = post(client, "Anyone?", alice)
    inbox.busy_once.add("alice@example.org")  # a 450 on the first attempt
    post(client, "Me.", bob, parent_id=top["id"])
    assert eventually(lambda: len(inbox.to("alice@example.org")) == 1)
    assert inbox.last("alice@example.org")["Subject"] == "New reply to your comment"
