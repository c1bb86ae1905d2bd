"""flask comments recount: articles' comment counts and comments' scores set again from the
comments and votes they count, after concurrent requests made them drift."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import Article, Comment
from app.services import recount as recount_service
from app.services.comments import post_comment
from app.services.identity import Viewer
from app.services.recount import recount
from app.services.votes import vote
from tests.factories import make_site, run_cli

READERS = [Viewer(guest_key=f"{n}" * 64, ip=f"198.51.100.{n}") for n in range(1, 5)]


def thread_with_votes(site: str) -> list[int]:
    """Two approved comments on a1 (up-voted by three readers, down-voted by one), one on a2."""
    ids = [
        post_comment(
            site_slug=site,
            article_key=key,
            body=f"Comment {n}",
            viewer=READERS[0],
            author_name="Gina Guest",
        ).id
        for n, key in enumerate(["a1", "a1", "a2"])
    ]
    for reader in READERS[1:]:
        vote(ids[0], 1, reader)
    vote(ids[1], -1, READERS[1])
    return ids


def stored(site: str) -> dict:
    of_site = Article.site.has(slug=site)
    return {
        "counts": dict(
            db.session.execute(select(Article.key, Article.comment_count).where(of_site)).all()
        ),
        "scores": db.session.scalars(
            select(Comment.score).join(Article).where(of_site).order_by(Comment.id)
        ).all(),
        "versions": dict(
            db.session.execute(select(Article.key, Article.version).where(of_site)).all()
        ),
    }


def drift(site: str, ids: list[int]) -> None:
    """What concurrent status changes and votes left before they were ordered by row locks."""
    of_site = Article.site.has(slug=site)
    db.session.execute(
        update(Article).where(of_site, Article.key == "a1").values(comment_count=-12)
    )
    db.session.execute(update(Comment).where(Comment.id == ids[0]).values(score=1))
    db.session.commit()


def two_drifted_sites(app) -> None:
    for site in ("news", "sport"):
        make_site(app, site)
        with app.app_context():
            drift(site, thread_with_votes(site))


def test_recount_sets_drifted_counts_and_scores_right_and_refreshes_those_threads(
    app, runner, client
):
    make_site(app, "news")
    with app.app_context():
        ids = thread_with_votes("news")
        right = stored("news")
        assert right["counts"] == {"a1": 2, "a2": 1} and right["scores"] == [3, -1, 0]
        drift("news", ids)
        before = stored("news")
    counts = "/api/v1/counts?site=news&article=a1&article=a2"
    assert client.get(counts).get_json()["counts"] == {"a1": -12, "a2": 1}

    result = run_cli(runner, "comments", "recount")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Recounted 2 articles and the scores of 3 comments: "
        "1 comment counts and 1 scores were wrong and are now right"
    )
    with app.app_context():
        now = stored("news")
    assert now["counts"] == right["counts"] and now["scores"] == right["scores"]
    # Both corrections were on a1: its cached pages and ETags are stale, a2's are not.
    assert now["versions"]["a1"] > before["versions"]["a1"]
    assert now["versions"]["a2"] == before["versions"]["a2"]
    assert client.get(counts).get_json()["counts"] == {"a1": 2, "a2": 1}
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    assert [c["score"] for c in thread["comments"]] == [3, -1]

    again = run_cli(runner, "comments", "recount")
    assert "0 comment counts and 0 scores were wrong" in again.output


def test_recount_of_one_site_leaves_the_others_alone(app, runner):
    two_drifted_sites(app)
    result = run_cli(runner, "comments", "recount", "--site", "sport")
    assert result.exit_code == 0, result.output
    assert "Recounted 2 articles and the scores of 3 comments: 1 comment" in result.output
    with app.app_context():
        assert stored("sport")["counts"] == {"a1": 2, "a2": 1}
        assert stored("sport")["scores"] == [3, -1, 0]
        assert stored("news")["counts"]["a1"] == -12 and stored("news")["scores"][0] == 1
    unknown = runner.invoke(args=["comments", "recount", "--site", "nowhere"])
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: ")


def test_recount_works_through_the_tables_a_range_of_ids_at_a_time(app):
    two_drifted_sites(app)
    with app.app_context():
        done = recount(batch=1)
        assert (done.articles, done.comments, done.wrong_counts, done.wrong_scores) == (4, 6, 2, 2)
        for site in ("news", "sport"):
            assert stored(site)["counts"] == {"a1": 2, "a2": 1}
            assert stored(site)["scores"] == [3, -1, 0]


def test_recount_of_an_empty_database_finds_nothing_to_do(app, runner):
    result = run_cli(runner, "comments", "recount")
    assert result.exit_code == 0, result.output
    assert "Recounted 0 articles and the scores of 0 comments" in result.output


def test_recount_gives_way_to_a_transaction_holding_a_row_and_says_to_run_it_again(
    app, backend, database_url, runner, monkeypatch
):
    """A request holding an article's row (here, for as long as the test likes) is never made
    to wait behind the recount, nor to deadlock with it: the recount waits RANGE_LOCK_MS a
    try, gives the range up after RANGE_TRIES, and says so; run again, it finishes."""
    if backend != "postgresql":
        pytest.skip("row locks: SQLite has one writer at a time (BEGIN IMMEDIATE)")
    monkeypatch.setattr(recount_service, "RANGE_LOCK_MS", 100)
    make_site(app, "news")
    with app.app_context():
        drift("news", thread_with_votes("news"))
    conninfo = database_url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(conninfo) as holder:
        holder.execute("SELECT id FROM articles WHERE key = 'a1' FOR NO KEY UPDATE")
        busy = runner.invoke(args=["comments", "recount"])
        assert busy.exit_code == 1
        assert busy.output.startswith("Error: requests kept articles 1 to 2 locked through 5 ")
        assert "run it again" in busy.output
    result = run_cli(runner, "comments", "recount")
    assert "1 comment counts and 1 scores were wrong" in result.output
    with app.app_context():
        assert stored("news")["counts"] == {"a1": 2, "a2": 1}
