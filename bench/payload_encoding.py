"""The payload-encoding benchmark: what declaring answers with a library would cost per read.

A thread answer of 1,000 comments (the api benchmark's shape: 30% top level, the rest replies
at random depths, Markdown bodies of 200-600 characters rendered by ``app.sanitize``), built
in this process as the serializers build it, is encoded five ways:

* ``orjson.dumps`` of the plain dict: what Parley does (the dict is typed by the
  ``Thread`` TypedDict, which costs nothing at run time);
* pydantic ``TypeAdapter(Thread).dump_json`` of that dict (serializing through the declaration);
* pydantic ``TypeAdapter(Thread).validate_python`` then ``dump_json`` (checking every answer);
* pydantic ``BaseModel``s of the same shape: ``model_validate`` then ``model_dump_json`` (a
  model per comment and per author; the article, one object, keeps the app's ``Article``);
* marshmallow ``Schema.dumps``, when marshmallow is installed (it is no dependency of Parley).

Each case is timed over the benchmark's duration; the table gives the median time per answer
and the mean (garbage collection included).
Building the dict itself (the serializers) is the same in every case and is not timed.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson
from pydantic import BaseModel, TypeAdapter

from app.models import ReactionKind
from app.sanitize import render_markdown
from app.web.answers import Article, Thread
from bench.report import Options, Section, markdown_table
from bench.seed import NAMES, markdown_body

TITLE = "Payload encoding: a 1,000-comment thread answer, dict + orjson, pydantic, marshmallow"
COMMENTS = 1000
TOP_LEVEL_SHARE = 0.3
BASE = "https://comments.example"


def thread_answer(rng: random.Random) -> dict[str, Any]:
    """A ``Thread`` answer as ``app.web.serializers.thread_json`` builds it."""
    nodes: list[dict[str, Any]] = []
    top: list[dict[str, Any]] = []
    for number in range(1, COMMENTS + 1):
        parent = None if not nodes or rng.random() < TOP_LEVEL_SHARE else rng.choice(nodes)
        node = {
            "id": number,
            "parent_id": parent["id"] if parent else None,
            "author": {
                "name": rng.choice(NAMES),
                "avatar_url": f"{BASE}/avatars/i/{rng.getrandbits(80):020x}.svg",
                "badge": "moderator" if rng.random() < 0.02 else None,
            },
            "html": render_markdown(markdown_body(rng)),
            "created_at": f"2026-11-25T{number // 60 % 24:02d}:{number % 60:02d}:00Z",
            "edited_at": None,
            "status": "approved",
            "score": rng.randint(-3, 12),
            "featured": rng.random() < 0.01,
            "replies": [],
        }
        nodes.append(node)
        (parent["replies"] if parent else top).append(node)
    return {
        "article": {
            "key": "air-defence-drill",
            "title": "Air-defence drills begin",
            "url": "https://news.example/air-defence-drill",
            "comment_count": COMMENTS,
            "closed": False,
            "reactions": dict.fromkeys((kind.value for kind in ReactionKind), 3),
        },
        "comments": top,
        "next_cursor": None,
    }


class AuthorModel(BaseModel):
    name: str
    avatar_url: str
    badge: str | None


class CommentModel(BaseModel):
    id: int
    parent_id: int | None
    author: AuthorModel
    html: str
    created_at: str
    edited_at: str | None
    status: str
    score: int
    featured: bool
    replies: list[CommentModel]


class ThreadModel(BaseModel):
    # The comments (2,000 objects an answer) are what models would cost; the article is one
    # object, so the app's own declaration of it serves (pydantic validates a TypedDict field).
    article: Article
    comments: list[CommentModel]
    next_cursor: str | None


def marshmallow_schema() -> Any | None:
    """A marshmallow schema of the same shape, or None when marshmallow is not installed."""
    try:
        from marshmallow import Schema, fields
    except ImportError:
        return None

    class AuthorSchema(Schema):
        name = fields.String()
        avatar_url = fields.String()
        badge = fields.String(allow_none=True)

    class CommentSchema(Schema):
        id = fields.Integer()
        parent_id = fields.Integer(allow_none=True)
        author = fields.Nested(AuthorSchema)
        html = fields.String()
        created_at = fields.String()
        edited_at = fields.String(allow_none=True)
        status = fields.String()
        score = fields.Integer()
        featured = fields.Boolean()
        replies = fields.List(fields.Nested(lambda: CommentSchema()))

    class ArticleSchema(Schema):
        key = fields.String()
        title = fields.String(allow_none=True)
        url = fields.String(allow_none=True)
        comment_count = fields.Integer()
        closed = fields.Boolean()
        reactions = fields.Dict(keys=fields.String(), values=fields.Integer())

    class ThreadSchema(Schema):
        article = fields.Nested(ArticleSchema)
        comments = fields.List(fields.Nested(CommentSchema))
        next_cursor = fields.String(allow_none=True)

    return ThreadSchema()


def encoders(answer: dict[str, Any]) -> list[tuple[str, Callable[[], bytes | str]]]:
    adapter = TypeAdapter(Thread)
    cases: list[tuple[str, Callable[[], bytes | str]]] = [
        ("dict + `orjson.dumps` (Parley)", lambda: orjson.dumps(answer)),
        ("dict + `json.dumps` (standard library)", lambda: json.dumps(answer)),
        ("pydantic `TypeAdapter(Thread).dump_json`", lambda: adapter.dump_json(answer)),
        (
            "pydantic `TypeAdapter(Thread)`: `validate_python` + `dump_json`",
            lambda: adapter.dump_json(adapter.validate_python(answer)),
        ),
        (
            "pydantic `BaseModel`: `model_validate` + `model_dump_json`",
            lambda: ThreadModel.model_validate(answer).model_dump_json(),
        ),
    ]
    schema = marshmallow_schema()
    if schema is not None:
        cases.append(("marshmallow `Schema.dumps`", lambda: schema.dumps(answer)))
    return cases


def timed(encode: Callable[[], bytes | str], options: Options) -> tuple[float, float, int]:
    """Median and mean milliseconds per call over ``options.duration`` seconds, and calls.

    The mean includes the garbage collector's pauses, which grow with the objects a way of
    encoding creates.
    """
    deadline = time.perf_counter() + options.warmup
    while time.perf_counter() < deadline:
        encode()
    times: list[float] = []
    deadline = time.perf_counter() + options.duration
    while time.perf_counter() < deadline or len(times) < 5:
        started = time.perf_counter()
        encode()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, statistics.fmean(times) * 1000, len(times)


def run(options: Options) -> Section:
    answer = thread_answer(random.Random(20261202))  # noqa: S311 - test data, not secrets
    reference = orjson.loads(orjson.dumps(answer))
    rows = []
    baseline = None
    for label, encode in encoders(answer):
        encoded = encode()
        assert json.loads(encoded) == reference, f"{label} changed the answer"
        median_ms, mean_ms, calls = timed(encode, options)
        baseline = baseline or median_ms
        rows.append(
            [
                label,
                f"{median_ms:.2f}",
                f"{median_ms / baseline:.1f}x",
                f"{mean_ms:.2f}",
                f"{len(encoded):,}",
                str(calls),
            ]
        )
    if marshmallow_schema() is None:
        rows.append(["marshmallow `Schema.dumps`", "not installed", "", "", "", ""])
    table = markdown_table(
        ["Encoding of one answer", "Median ms", "vs orjson", "Mean ms", "Bytes", "Calls timed"],
        rows,
    )
    body = (
        f"One `GET /api/v1/threads` answer of {COMMENTS:,} comments, in this process "
        "(no server, no database).\n\n" + table
    )
    return Section(TITLE, body)
