"""The contract's command line: sites create, users create, users token."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, Comment, Role, Site, User
from tests.factories import bearer, post_ok


def invoke(runner, command: str):
    """Run ``flask <command>``, its words split as a shell splits them; exceptions propagate."""
    return runner.invoke(args=command, catch_exceptions=False)


def test_sites_create_with_origins_and_flags(app, runner):
    result = invoke(
        runner,
        "sites create daily --name 'The Daily' --origin https://Daily.example:443/"
        " --origin http://localhost:8000 --premod --no-guests",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.slug == "daily"))
        assert site.origins == ["https://daily.example", "http://localhost:8000"]
        assert site.premod is True and site.allow_guests is False


def test_sites_create_refuses_duplicates_and_bad_input(app, runner):
    assert invoke(runner, "sites create daily --name D").exit_code == 0
    again = invoke(runner, "sites create daily --name D")
    assert again.exit_code != 0 and "already exists" in again.output
    bad = invoke(runner, "sites create 'Bad Slug!' --name D")
    assert bad.exit_code != 0 and "slug" in bad.output
    bad_origin = invoke(runner, "sites create ok --name D --origin ftp://x")
    assert bad_origin.exit_code != 0 and "origin" in bad_origin.output


def test_users_create_moderator_limited_to_sites(app, runner):
    invoke(runner, "sites create one --name One")
    invoke(runner, "sites create two --name Two")
    result = invoke(
        runner,
        "users create Mod@Example.org --name Mod --password plain-words-never-stored"
        " --role moderator --site one",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "mod@example.org"))
        assert user.role == Role.MODERATOR
        assert [s.slug for s in user.moderated_sites] == ["one"]
        assert user.password_hash and "plain-words-never-stored" not in user.password_hash
    unknown = invoke(runner, "users create x@example.org --name X --password pw --site ghost")
    assert unknown.exit_code != 0 and "ghost" in unknown.output


def test_users_token_prints_a_working_token_alone_on_the_last_line(app, runner, client):
    invoke(runner, "sites create news --name News")
    invoke(runner, "users create r@example.org --name Rae --password pw")
    result = invoke(runner, "users token r@example.org")
    assert result.exit_code == 0
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("pk_") and " " not in token
    created = post_ok(client, headers=bearer(token), body="via token")
    assert created["author"]["name"] == "Rae"
    with app.app_context():
        stored = db.session.scalar(select(ApiToken.token_hash))
        assert stored != token and len(stored) == 64
    missing = invoke(runner, "users token nobody@example.org")
    assert missing.exit_code != 0


def test_comments_rerender_applies_the_current_sanitizer(app, runner, client):
    invoke(runner, "sites create news --name News")
    created = post_ok(client, body="**bold**")
    with app.app_context():
        db.session.get(Comment, created["id"]).body_html = "<p>stale</p>"
        db.session.commit()
    result = invoke(runner, "comments rerender")
    assert "Re-rendered 1 comments" in result.output
    with app.app_context():
        assert db.session.get(Comment, created["id"]).body_html == "<p><strong>bold</strong></p>"


def test_demo_setup_is_repeatable_and_keeps_data(app, runner, client):
    first = invoke(runner, "demo setup")
    assert first.exit_code == 0 and "password:" in first.output
    post_ok(client, site="demo", article="air-defence-drills-2026", body="kept")
    second = invoke(runner, "demo setup")
    assert second.exit_code == 0
    password = [ln for ln in first.output.splitlines() if "password:" in ln]
    assert password == [ln for ln in second.output.splitlines() if "password:" in ln]
    with app.app_context():
        assert db.session.scalar(select(Comment.body_source)) == "kept"


def test_demo_setup_recovers_when_the_password_file_is_gone(app, runner, client):
    from pathlib import Path

    invoke(runner, "demo setup")
    Path(app.instance_path, "demo-moderator-password").unlink()
    again = invoke(runner, "demo setup")
    assert again.exit_code == 0
    password = next(ln for ln in again.output.splitlines() if "password:" in ln).split()[-1]
    from app.services.users import authenticate

    with app.app_context():
        assert authenticate("moderator@demo.parley.local", password) is not None
