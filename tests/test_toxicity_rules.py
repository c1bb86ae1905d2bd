"""The contract's Toxicity section: hold and nudge thresholds, confirm, edits, settings, queues."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, AuditEntry, Comment, Role
from app.services.errors import ValidationError
from app.services.site_settings import apply_site_settings
from app.services.toxicity import configure_scoring
from app.services.toxicity_settings import RECOMMENDED
from tests.dashboard_support import make_account
from tests.factories import bearer, make_site, make_token, post_comment, post_ok, run_cli

ABUSIVE = "You are a fucking idiot and everyone here knows it."
CIVIL = "I disagree with the council's decision, the budget numbers do not add up."


@pytest.fixture
def news(app):
    make_site(app)
    return app


def stored(app) -> list[Comment]:
    with app.app_context():
        rows = db.session.scalars(select(Comment).order_by(Comment.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def audit_actions(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [
            (e.action, e.reason)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action != "settings_update"
        ]


def test_new_sites_have_both_thresholds_off_and_still_score(news, runner, client):
    shown = run_cli(runner, "sites", "settings", "news").output
    assert 'toxicity_hold = "off"' in shown
    assert 'toxicity_nudge = "off"' in shown
    created = post_ok(client, body=ABUSIVE)
    assert created["status"] == "approved"
    (comment,) = stored(news)
    assert comment.toxicity >= 0.9 and comment.reasons == []


def test_hold_threshold_sends_abusive_comment_to_pending_with_toxic_reason(news, runner, client):
    result = run_cli(runner, "sites", "settings", "news", "--set", "toxicity_hold=0.8")
    assert result.exit_code == 0, result.output
    assert "toxicity_hold = 0.8" in result.output
    held = post_ok(client, body=ABUSIVE)
    civil = post_ok(client, body=CIVIL)
    assert held["status"] == "pending"
    assert civil["status"] == "approved"
    abusive_row, civil_row = stored(news)
    (reason,) = abusive_row.reasons
    assert reason.startswith("toxic") and reason == f"toxic:{abusive_row.toxicity:.2f}"
    assert civil_row.reasons == [] and civil_row.toxicity < 0.8
    assert ("rule_hold", reason) in audit_actions(news)


def test_moderation_queue_items_carry_the_toxicity(news, client):
    apply_site_settings_in(news, toxicity_hold=0.8, premod=True)
    make_account(news, "mod@example.org", "Mod", Role.MODERATOR, ("news",))
    token = bearer(make_token(news, "mod@example.org"))
    post_ok(client, body=CIVIL)
    post_ok(client, body=ABUSIVE)
    post_ok(client, body="Die Ratssitzung war eine Farce, sagen die Bürger.")  # not scored
    page = client.get("/api/v1/moderation/queues/pending?site=news", headers=token).get_json()
    scores = [item["toxicity"] for item in page["comments"]]
    assert scores[0] < 0.5 and scores[1] >= 0.9 and scores[2] is None
    assert any(r.startswith("toxic:") for r in page["comments"][1]["reasons"])


def test_queue_sorted_most_toxic_first_pages_with_unscored_last(news, client):
    apply_site_settings_in(news, premod=True)
    make_account(news, "mod@example.org", "Mod", Role.MODERATOR, ("news",))
    token = bearer(make_token(news, "mod@example.org"))
    bodies = [
        CIVIL,
        ABUSIVE,
        "Ce conseil municipal est une honte.",
        "What a stupid idea, honestly.",
    ]
    for body in bodies:
        post_ok(client, body=body)
    seen, cursor = [], None
    while True:
        query = {"site": "news", "sort": "toxicity", "limit": 1}
        if cursor:
            query["cursor"] = cursor
        answer = client.get("/api/v1/moderation/queues/pending", query_string=query, headers=token)
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        seen += [item["toxicity"] for item in page["comments"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    scored = [s for s in seen if s is not None]
    assert len(seen) == 4 and seen[-1] is None
    assert scored == sorted(scored, reverse=True)
    bad = client.get(
        "/api/v1/moderation/queues/pending",
        query_string={"site": "news", "sort": "worst"},
        headers=token,
    )
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_sort"


def apply_site_settings_in(app, **changes):
    with app.app_context():
        apply_site_settings("news", changes, None)


def test_nudge_answers_422_and_stores_nothing(news, runner, client):
    result = run_cli(runner, "sites", "settings", "news", "--set", "toxicity_nudge=0.6")
    assert result.exit_code == 0, result.output
    apply_site_settings_in(
        news, guidelines_text="Be kind.", guidelines_url="https://news.example/rules"
    )
    answer = post_comment(client, body=ABUSIVE, article="fresh")
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "toxicity_nudge"
    assert error["guidelines"] == {"text": "Be kind.", "url": "https://news.example/rules"}
    assert stored(news) == []
    with news.app_context():  # not even the article the post would have created
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0
    assert audit_actions(news) == []
    assert post_ok(client, body=CIVIL)["status"] == "approved"


def test_confirm_posts_past_the_nudge_and_is_audited(news, client):
    apply_site_settings_in(news, toxicity_nudge=0.6)
    created = post_ok(client, body=ABUSIVE, confirm=True)
    assert created["status"] == "approved"
    (comment,) = stored(news)
    assert comment.toxicity >= 0.6
    assert audit_actions(news) == [
        ("toxicity_confirmed", f"toxic:{comment.toxicity:.2f} by alt-profanity-check-1.9.1")
    ]


def test_confirm_false_is_a_nudge_and_other_values_are_refused(news, client):
    apply_site_settings_in(news, toxicity_nudge=0.6)
    assert post_comment(client, body=ABUSIVE, confirm=False).status_code == 422
    bad = post_comment(client, body=CIVIL, confirm="yes")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_confirm"
    assert stored(news) == []


def test_nudge_and_hold_together(news, client):
    apply_site_settings_in(news, toxicity_nudge=0.6, toxicity_hold=0.8)
    assert post_comment(client, body=ABUSIVE).status_code == 422
    confirmed = post_ok(client, body=ABUSIVE, confirm=True)
    assert confirmed["status"] == "pending"
    assert [a for a, _ in audit_actions(news)] == ["rule_hold", "toxicity_confirmed"]


def test_staff_are_scored_but_never_nudged_or_held(news, client):
    apply_site_settings_in(news, toxicity_nudge=0.6, toxicity_hold=0.8)
    make_account(news, "mod@example.org", "Mod", Role.MODERATOR, ("news",))
    created = post_ok(client, body=ABUSIVE, headers=bearer(make_token(news, "mod@example.org")))
    assert created["status"] == "approved"
    assert stored(news)[0].toxicity >= 0.9


def test_other_languages_are_never_held_or_nudged_by_the_local_model(news, client):
    apply_site_settings_in(news, toxicity_nudge=0.1, toxicity_hold=0.1)
    created = post_ok(client, body="Du bist ein Idiot und hast keine Ahnung von Politik.")
    assert created["status"] == "approved"
    assert stored(news)[0].toxicity is None


def test_an_edit_is_nudged_stores_nothing_and_confirm_saves_it(news, client):
    make_account(news, "author@example.org", "Author", Role.READER)
    author = bearer(make_token(news, "author@example.org"))
    created = post_ok(client, body=CIVIL, headers=author)
    apply_site_settings_in(news, toxicity_nudge=0.6, toxicity_hold=0.8)

    def edit(**extra):
        return client.patch(
            f"/api/v1/comments/{created['id']}", json={"body": ABUSIVE, **extra}, headers=author
        )

    nudged = edit()
    assert nudged.status_code == 422
    assert nudged.get_json()["error"]["code"] == "toxicity_nudge"
    (unchanged,) = stored(news)
    assert unchanged.body_source == CIVIL and unchanged.edited_at is None
    assert unchanged.toxicity < 0.6

    saved = edit(confirm=True)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["status"] == "pending"  # held by toxicity_hold
    (edited,) = stored(news)
    assert edited.body_source == ABUSIVE and edited.toxicity >= 0.8
    assert [r for r in edited.reasons if r.startswith("toxic:")]
    assert [a for a, _ in audit_actions(news)] == ["rule_hold", "toxicity_confirmed"]


@pytest.mark.parametrize(
    ("raw", "stored_value"),
    [("0.8", 0.8), ("1", 1.0), ("0", 0.0), ("off", "off"), ("null", "off")],
)
def test_thresholds_from_the_command_line(news, runner, raw, stored_value):
    result = run_cli(runner, "sites", "settings", "news", "--set", f"toxicity_hold={raw}")
    assert result.exit_code == 0, result.output
    with news.app_context():
        assert apply_site_settings("news", {"max_links": 3}, None)["toxicity_hold"] == stored_value


@pytest.mark.parametrize("raw", ["1.5", "-0.1", "high", "true", "[0.5]", "NaN"])
def test_thresholds_outside_zero_to_one_are_refused(news, runner, raw):
    result = runner.invoke(args=["sites", "settings", "news", "--set", f"toxicity_nudge={raw}"])
    assert result.exit_code != 0
    assert "toxicity_nudge must be a number from 0 to 1, or off" in result.output
    with news.app_context():
        assert apply_site_settings("news", {"max_links": 3}, None)["toxicity_nudge"] == "off"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("toxicity_scorer_url", "ftp://models.example/score"),
        ("toxicity_scorer_url", "https://user:secret@models.example/score"),
        ("toxicity_scorer_url", "not a url"),
        ("guidelines_url", "javascript:alert(1)"),
        ("guidelines_url", "https://x.example/" + "a" * 2100),
        ("guidelines_text", "x" * 1001),
        ("guidelines_text", 42),
    ],
)
def test_scorer_and_guideline_settings_are_validated(news, name, value):
    with news.app_context(), pytest.raises(ValidationError) as raised:
        apply_site_settings("news", {name: value}, None)
    assert raised.value.message.startswith(name) and raised.value.code == "invalid_setting"


def test_recommended_thresholds_are_valid_settings(news):
    with news.app_context():
        values = apply_site_settings("news", dict(RECOMMENDED), None)
    assert values["toxicity_hold"] == RECOMMENDED["toxicity_hold"]
    assert values["toxicity_nudge"] == RECOMMENDED["toxicity_nudge"]


@pytest.fixture
def scoring_off():
    configure_scoring(False, 2000, preload=False)
    yield
    configure_scoring(True, 2000, preload=False)


def test_parley_toxicity_off_scores_nothing_and_holds_nothing(news, client, scoring_off):
    apply_site_settings_in(news, toxicity_nudge=0.1, toxicity_hold=0.1)
    assert post_ok(client, body=ABUSIVE)["status"] == "approved"
    assert stored(news)[0].toxicity is None
