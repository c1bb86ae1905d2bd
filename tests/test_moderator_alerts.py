"""Moderators' e-mail alerts: chosen per site on the dashboard (POST-only, CSRF), sent at once
or as hourly/daily digests by ``flask notifications digests``, through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import ModeratorAlert, Role, utcnow
from app.notification_jobs import mail_setup
from app.services.moderator_alerts import send_digests
from app.services.site_settings import apply_site_settings
from tests.dashboard_support import signed_in
from tests.factories import make_site, make_user, post_comment
from tests.mail_support import eventually, parts
from tests.notification_support import account, post, whole


def choose(client, **choices: str):
    data = {f"alert-{slug}": value for slug, value in choices.items()}
    return client.post("/moderation/alerts", data={**data, "csrf_token": client.csrf})


def setup_sites(app) -> None:
    make_site(app, "news", name="Daily News")
    make_site(app, "other", name="Other News")
    with app.app_context():
        apply_site_settings("news", {"premod": True}, None)
    make_user(app, "mod@example.org", "News Mod", Role.MODERATOR, ("news",))
    make_user(app, "digest@example.org", "Digest Mod", Role.MODERATOR, ("news",))


def test_a_moderator_chooses_alerts_per_site_they_moderate(mail_app):
    setup_sites(mail_app)
    client = signed_in(mail_app, "mod@example.org")
    page = client.get("/moderation/alerts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="alert-news"' in html and 'name="alert-other"' not in html
    assert client.post("/moderation/alerts", data={"alert-news": "daily"}).status_code == 403
    assert choose(client, news="daily").status_code == 303
    assert choose(client, news="weekly").status_code == 400
    assert choose(client, other="immediately").status_code == 403
    with mail_app.app_context():
        stored = db.session.scalars(select(ModeratorAlert)).all()
        assert [a.frequency for a in stored] == ["daily"]
    assert 'value="daily" selected' in client.get("/moderation/alerts").get_data(as_text=True)


def test_immediate_alerts_and_digests_of_new_pending_and_reported_items(mail_app, smtp):
    inbox, _ = smtp
    setup_sites(mail_app)
    assert choose(signed_in(mail_app, "mod@example.org"), news="immediately").status_code == 303
    assert choose(signed_in(mail_app, "digest@example.org"), news="hourly").status_code == 303
    client = mail_app.test_client()
    held = post(client, "Please <b>review</b> me.", author_name="Gus", author_email="gus@x.org")
    alert = inbox.last("mod@example.org")
    assert alert["Subject"] == "Moderation: 1 new item"
    assert alert["From"] == "Daily News <comments@news.example>"
    text, html = parts(alert)
    assert "Please <b>review</b> me." in text and "&lt;b&gt;review" in html
    assert f"http://localhost/moderation/comments/{held['id']}" in text
    assert "gus@x.org" not in whole(alert)
    assert inbox.to("digest@example.org") == []  # digests wait for the command
    # A report on a published comment on the other site: nobody there asked for alerts.
    post_comment(client, body="Elsewhere", site="other")
    assert len(inbox.messages) == 1
    # A reported comment on news: approve one, then report it.
    mod = account(mail_app, "admin@example.org", "Admin", Role.ADMIN)
    published = post(client, "Reported later.", author_name="Ann")
    assert (
        client.post(
            f"/api/v1/moderation/comments/{published['id']}",
            json={"action": "approve"},
            headers=mod,
        ).status_code
        == 200
    )
    reader = account(mail_app, "reader@example.org", "Reader")
    report = client.post(
        f"/api/v1/comments/{published['id']}/reports", json={"reason": "spam"}, headers=reader
    )
    assert report.status_code in (200, 201), report.get_json()
    assert [m["Subject"] for m in inbox.to("mod@example.org")] == ["Moderation: 1 new item"] * 3
    assert "[reported]" in parts(inbox.last("mod@example.org"))[0]
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["notifications", "digests"])
    assert result.exit_code == 0 and "1 digest(s) sent" in result.output
    digest = inbox.last("digest@example.org")
    assert digest["Subject"] == "Moderation digest: 3 new items"
    assert "[reported]" in parts(digest)[0] and "[pending]" in parts(digest)[0]
    # Within the hour nothing more; an hour later only what is new (nothing here).
    assert "0 digest(s) sent" in runner.invoke(args=["notifications", "digests"]).output
    with mail_app.app_context():
        later = mail_setup()
        assert send_digests(later, utcnow() + timedelta(hours=2)) == 0
    assert len(inbox.to("digest@example.org")) == 1


def test_a_moderators_failing_mailbox_never_holds_back_a_readers_mail(mail_app, smtp):
    inbox, _ = smtp
    setup_sites(mail_app)
    assert choose(signed_in(mail_app, "mod@example.org"), news="immediately").status_code == 303
    inbox.refused.add("mod@example.org")
    client = mail_app.test_client()
    # Held on news: the moderator's alert fails on every attempt; the guest's confirmation
    # (double opt-in) still arrives.
    post(client, "Tell me.", author_name="Gus", author_email="gus@x.org", notify_replies=True)
    assert inbox.last("gus@x.org")["Subject"] == "Confirm reply e-mails"
    assert inbox.to("mod@example.org") == []


def test_an_alert_the_server_deferred_is_sent_on_the_retry_and_others_are_not_held(mail_app, smtp):
    inbox, _ = smtp
    setup_sites(mail_app)
    for moderator in ("mod@example.org", "digest@example.org"):
        client = signed_in(mail_app, moderator)
        assert choose(client, news="immediately").status_code == 303
    inbox.busy_once.add("mod@example.org")
    post(mail_app.test_client(), "Held.", author_name="Gus")
    assert eventually(lambda: len(inbox.to("mod@example.org")) == 1)
    assert len(inbox.to("digest@example.org")) == 1  # once, although the job ran twice
