"""flask export: a document valid against docs/export.schema.json, private fields only on
request, and a lossless round trip through import parley."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from app.models import Role
from tests.factories import bearer, make_site, make_token, make_user, post_ok, run_cli
from tests.widget_support import Browser

SCHEMA = json.loads((Path(__file__).parent.parent / "docs/export.schema.json").read_text())


def build_site_through_the_api(app, client) -> None:
    """Nesting, an edit, a deletion with a reply, rejected and spam comments, a featured one,
    reactions, votes, a closed article, comments by accounts and by guests."""
    make_site(app, "news")
    make_site(app, "copy")
    make_user(app, "mod@example.org", "Moderator", Role.MODERATOR)
    make_user(app, "reader@example.org", "Reader Account")
    mod = bearer(make_token(app, "mod@example.org"))
    reader = bearer(make_token(app, "reader@example.org"))
    ann, bob = Browser(app), Browser(app)

    top = ann.comment(
        "First *comment* — café ☕",
        author_name="Ann",
        author_email="ann@example.org",
        article_title="Story one",
        article_url="https://news.example/one",
    )
    reply = bob.comment("A reply", author_name="Bob", parent_id=top["id"])
    deep = post_ok(client, body="Deeper, from an account", parent_id=reply["id"], headers=reader)
    assert (
        ann.patch(f"/api/v1/comments/{top['id']}", json={"body": "First, edited"}).status_code
        == 200
    )
    doomed = bob.comment("I will delete this", author_name="Bob")
    ann.comment("Reply to a comment about to go", author_name="Ann", parent_id=doomed["id"])
    assert bob.delete(f"/api/v1/comments/{doomed['id']}").status_code == 200
    rejected = ann.comment("Rude words", author_name="Ann")
    spam = bob.comment("Buy pills", author_name="Bob")
    for comment_id, action in (
        (rejected["id"], "reject"),
        (spam["id"], "spam"),
        (deep["id"], "feature"),
    ):
        response = client.post(
            f"/api/v1/moderation/comments/{comment_id}", json={"action": action}, headers=mod
        )
        assert response.status_code == 200, response.get_json()
    ann.comment("Other story", author_name="Ann", article="a2")
    closed = client.post(
        "/api/v1/moderation/articles",
        json={"site": "news", "article": "a2", "closed": True},
        headers=mod,
    )
    assert closed.status_code == 200, closed.get_json()
    for who, kind in ((ann, "love"), (bob, "like")):
        assert (
            who.post(
                "/api/v1/reactions", json={"site": "news", "article": "a1", "kind": kind}
            ).status_code
            == 200
        )
    reacted = client.post(
        "/api/v1/reactions", json={"site": "news", "article": "a1", "kind": "wow"}, headers=reader
    )
    assert reacted.status_code == 200
    assert bob.post(f"/api/v1/comments/{top['id']}/votes", json={"value": 1}).status_code == 200
    voted = client.post(f"/api/v1/comments/{reply['id']}/votes", json={"value": -1}, headers=reader)
    assert voted.status_code == 200


def export(runner, tmp_path: Path, site: str, *flags: str) -> dict:
    path = tmp_path / f"{site}{''.join(flags)}.json"
    result = run_cli(runner, "export", "--site", site, "--output", str(path), *flags)
    assert result.exit_code == 0, result.output
    document = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator(SCHEMA).validate(document)
    return document


def without_ids(document: dict) -> dict:
    """The export with comment ids replaced by their position, and the run's header dropped."""
    position = {c["id"]: n for n, c in enumerate(document["comments"])}
    comments = [
        {**c, "id": position[c["id"]], "parent_id": position.get(c["parent_id"])}
        for c in document["comments"]
    ]
    votes = [{**v, "comment": position[v["comment"]]} for v in document["votes"]]
    audit = [{**a, "comment": position.get(a["comment"])} for a in document["audit_log"]]
    return {
        "accounts": document["accounts"],
        "articles": document["articles"],
        "comments": comments,
        "reactions": document["reactions"],
        "votes": votes,
        "audit_log": audit,
    }


def thread_without_ids(client, site: str, article: str) -> dict:
    body = client.get(f"/api/v1/threads?site={site}&article={article}&limit=500").get_json()

    def strip(comments):
        return [
            {
                k: (strip(v) if k == "replies" else v)
                for k, v in c.items()
                if k not in ("id", "parent_id")
            }
            for c in comments
        ]

    return {"article": body["article"], "comments": strip(body["comments"])}


def test_export_import_export_round_trip_is_lossless(app, client, runner, tmp_path):
    build_site_through_the_api(app, client)
    first = export(runner, tmp_path, "news", "--include-emails")
    assert {c["status"] for c in first["comments"]} == {"approved", "deleted", "rejected", "spam"}
    assert first["votes"] and first["reactions"] and first["audit_log"]

    result = run_cli(
        runner, "import", "parley", str(tmp_path / "news--include-emails.json"), "--site", "copy"
    )

    assert result.exit_code == 0, result.output
    second = export(runner, tmp_path, "copy", "--include-emails")
    assert without_ids(second) == without_ids(first)
    for article in ("a1", "a2"):
        assert thread_without_ids(client, "copy", article) == thread_without_ids(
            client, "news", article
        )
    again = run_cli(
        runner, "import", "parley", str(tmp_path / "news--include-emails.json"), "--site", "copy"
    )
    assert "comments: 0 imported" in again.output
    assert without_ids(export(runner, tmp_path, "copy", "--include-emails")) == without_ids(first)


def test_emails_are_exported_only_when_asked(app, client, runner, tmp_path):
    build_site_through_the_api(app, client)
    plain = tmp_path / "plain.json"
    assert run_cli(runner, "export", "--site", "news", "--output", str(plain)).exit_code == 0
    text = plain.read_text(encoding="utf-8")
    Draft202012Validator(SCHEMA).validate(json.loads(text))
    assert "@example.org" not in text and '"email"' not in text
    assert "author_ip" not in text and "127.0.0.1" not in text
    with_emails = export(runner, tmp_path, "news", "--include-emails")
    emails = {a.get("email") for a in with_emails["accounts"]}
    assert {"mod@example.org", "reader@example.org"} <= emails
    assert any(c["author"].get("email") == "ann@example.org" for c in with_emails["comments"])


def test_without_emails_accounts_come_back_as_guests_under_their_name(
    app, client, runner, tmp_path
):
    build_site_through_the_api(app, client)
    path = tmp_path / "plain.json"
    assert run_cli(runner, "export", "--site", "news", "--output", str(path)).exit_code == 0
    assert run_cli(runner, "import", "parley", str(path), "--site", "copy").exit_code == 0
    copy = export(runner, tmp_path, "copy")
    by_text = {c["source"]: c for c in copy["comments"]}
    assert by_text["Deeper, from an account"]["author"] == {"name": "Reader Account"}
    assert {v["by"]["key"][:2] for v in copy["votes"]} <= {"x:", "g:"}
    original = thread_without_ids(client, "news", "a1")
    copied = thread_without_ids(client, "copy", "a1")
    assert original["article"] == copied["article"]


@pytest.mark.parametrize("flags", [(), ("--include-emails",)])
def test_export_to_stdout_is_the_same_document(app, client, runner, tmp_path, flags):
    build_site_through_the_api(app, client)
    result = runner.invoke(args=["export", "--site", "news", *flags], catch_exceptions=False)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    Draft202012Validator(SCHEMA).validate(document)
    assert without_ids(document) == without_ids(export(runner, tmp_path, "news", *flags))
