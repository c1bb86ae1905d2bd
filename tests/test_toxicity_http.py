"""The http scorer against a real HTTP server speaking Perspective's format, started here."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Comment
from app.services.site_settings import apply_site_settings
from app.services.toxicity import configure_scoring
from app.services.toxicity_http import HttpScorer, perspective_score
from tests.factories import make_site, post_comment, post_ok


class ModelServer(ThreadingHTTPServer):
    """Answers like Perspective: 0.01, plus 0.5 for each word in ``toxic_words`` (at most 1)."""

    daemon_threads = True
    toxic_words = {"idiot", "dummkopf", "crétin"}

    def __init__(self):
        super().__init__(("127.0.0.1", 0), PerspectiveHandler)
        self.requests: list[dict] = []
        self.mode = "ok"  # ok | slow | error | garbage | no_score

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1alpha1/comments:analyze"


class PerspectiveHandler(BaseHTTPRequestHandler):
    server: ModelServer

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        request = json.loads(self.rfile.read(length))
        self.server.requests.append(request)
        mode = self.server.mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "error":
            self.send_response(503)
            self.end_headers()
            return
        words = re.findall(r"\w+", request["comment"]["text"].lower())
        score = min(1.0, 0.01 + 0.5 * sum(w in self.server.toxic_words for w in words))
        answer: dict = {
            "attributeScores": {
                "TOXICITY": {
                    "spanScores": [],
                    "summaryScore": {"value": score, "type": "PROBABILITY"},
                }
            },
            "languages": request.get("languages") or ["en"],
        }
        if mode == "no_score":
            answer = {"attributeScores": {}}
        body = b"<html>not json" if mode == "garbage" else json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    server = ModelServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def news(app, model_server):
    make_site(app)
    with app.app_context():
        apply_site_settings(
            "news",
            {"toxicity_scorer_url": model_server.url, "toxicity_hold": 0.5},
            None,
        )
    return app


@pytest.fixture
def short_timeout():
    configure_scoring(True, 300, preload=False)
    yield
    configure_scoring(True, 2000, preload=False)


def stored(app) -> Comment:
    with app.app_context():
        comment = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
        db.session.expunge(comment)
        return comment


def test_posts_perspectives_request_and_reads_its_score(news, client, model_server):
    created = post_ok(client, body="Idiot. Idiot, idiot.")
    assert model_server.requests == [
        {
            "comment": {"text": "Idiot. Idiot, idiot."},
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["en"],
        }
    ]
    assert created["status"] == "pending"
    comment = stored(news)
    assert comment.toxicity == 1.0
    assert comment.reasons == ["toxic:1.00"]


def test_other_languages_are_scored_by_the_http_scorer(news, client, model_server):
    created = post_ok(client, body="Du bist ein Dummkopf.")
    assert model_server.requests[-1]["languages"] == ["de"]
    assert created["status"] == "pending"
    assert stored(news).toxicity == 0.51


def test_civil_comment_stays_approved_with_the_servers_score(news, client):
    created = post_ok(client, body="A fair summary of a long meeting.")
    assert created["status"] == "approved"
    assert stored(news).toxicity == 0.01


@pytest.mark.parametrize("mode", ["error", "garbage", "no_score"])
def test_a_failing_server_gives_no_score_and_the_rules_decide_without_it(
    news, client, model_server, mode
):
    model_server.mode = mode
    created = post_ok(client, body="Idiot. Idiot, idiot.")
    assert created["status"] == "approved"
    assert stored(news).toxicity is None


def test_a_slow_server_times_out_and_the_post_goes_through(
    news, client, model_server, short_timeout
):
    model_server.mode = "slow"
    with news.app_context():
        apply_site_settings("news", {"toxicity_nudge": 0.5}, None)
    created = post_comment(client, body="Idiot. Idiot, idiot.")
    assert created.status_code == 201  # not nudged: no score
    assert stored(news).toxicity is None
    assert len(model_server.requests) == 1


def test_a_server_that_is_not_there_gives_no_score(app, client):
    make_site(app)
    with app.app_context():
        apply_site_settings(
            "news", {"toxicity_scorer_url": "http://127.0.0.1:9/score", "toxicity_hold": 0}, None
        )
    created = post_ok(client, body="Anything at all")
    assert created["status"] == "approved"
    assert stored(app).toxicity is None


def test_the_http_scorer_alone(model_server):
    scorer = HttpScorer(model_server.url, timeout=1)
    assert scorer.name == "http:127.0.0.1"
    assert scorer.score("idiot", "en") == 0.51
    assert scorer.score("Quel crétin", None) == 0.51
    assert model_server.requests[-1]["languages"] == []


@pytest.mark.parametrize(
    "answer",
    [
        {"attributeScores": {"TOXICITY": {"summaryScore": {"value": 1.5}}}},
        {"attributeScores": {"TOXICITY": {"summaryScore": {"value": "0.5"}}}},
        {"attributeScores": {"TOXICITY": {"summaryScore": {"value": True}}}},
        {"attributeScores": {"TOXICITY": {}}},
        [],
        None,
    ],
)
def test_answers_without_a_score_in_range_give_none(answer):
    assert perspective_score(answer) is None
