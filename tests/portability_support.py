"""Fixtures for the importers, generated here: one scenario written in each source's format.

The scenario covers nesting (a reply listed before its parent, and a reply timed before its
parent), every status the source has, a deleted comment with a reply (a tombstone), a closed
thread, hostile HTML, non-ASCII text and a comment missing its author. Each comment's text
holds a marker (``m1``...) so the imported thread can be checked comment by comment.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

T0 = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
HOSTILE = (
    '<p>m8 <script>alert("pwned")</script><img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)">js</a><iframe src="https://evil.example/"></iframe>'
    '<b onclick="steal()">bold</b> <a href="https://ok.example/">fine</a></p>'
)


@dataclass(frozen=True)
class Thread:
    ref: str
    key: str
    title: str
    closed: bool


@dataclass(frozen=True)
class Item:
    ref: str
    thread: str
    parent: str | None
    status: str  # approved, pending, spam, deleted
    text: str
    minutes: int
    name: str | None = "Reader"
    email: str | None = None

    @property
    def marker(self) -> str:
        return "m" + self.ref[1:]

    @property
    def time(self) -> datetime:
        return T0 + timedelta(minutes=self.minutes)


THREADS = [
    Thread("t1", "story-1", "Zürich: café ☕ «quotes»", closed=True),
    Thread("t2", "story-2", "Second story", closed=False),
]
# Listed in file order: c2 comes before its parent c1; c3 is timed before its parent c2.
ITEMS = [
    Item("c2", "t1", "c1", "approved", "m2 Réponse — deux", 60, name="Jürgen"),
    Item("c1", "t1", None, "approved", "m1 Premier ünïcödé 🎉", 0, name="Zoë", email="zoe@x.org"),
    Item("c3", "t1", "c2", "approved", "m3 third level", 30),
    Item("c4", "t1", None, "deleted", "m4 removed by its author", 90),
    Item("c5", "t1", "c4", "approved", "m5 reply to a deleted comment", 100),
    Item("c6", "t1", None, "pending", "m6 held for moderation", 110),
    Item("c7", "t1", None, "spam", "m7 buy cheap pills", 120),
    Item("c8", "t1", None, "approved", HOSTILE, 130),
    Item("c9", "t1", None, "approved", "m9 nobody signed this", 140, name=None),
    Item("c10", "t2", None, "approved", "m10 日本語のコメント", 150),
]

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
ALLOWED_TAGS |= {"s", "del"}


def items_for(statuses: set[str]) -> list[Item]:
    return [item for item in ITEMS if item.status in statuses]


# -- writers, one per source ------------------------------------------------------------------


def html_escaped(value: str | None) -> str | None:
    """``&``, ``<`` and ``>`` as entities: how Isso, WordPress and Remark42 store names."""
    return None if value is None else html.escape(value, quote=False)


def disqus_xml(items: list[Item], threads=THREADS, extra: str = "") -> str:
    def flag(value: bool) -> str:
        return "true" if value else "false"

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">',
        '<category dsq:id="1"><forum>news</forum><title>General</title></category>',
    ]
    for thread in threads:
        parts.append(
            f'<thread dsq:id="{thread.ref}"><id>{escape(thread.key)}</id><forum>news</forum>'
            f"<link>https://news.example/{thread.key}</link>"
            # Titles as real exports have them: HTML, entities and all (Let&#8217;s).
            f"<title>{escape(html_escaped(thread.title))}</title>"
            f"<createdAt>2021-01-01T00:00:00Z</createdAt><isClosed>{flag(thread.closed)}</isClosed>"
            "<isDeleted>false</isDeleted></thread>"
        )
    parts.append(
        '<thread dsq:id="t9"><id>gone</id><link>https://news.example/gone</link>'
        "<isDeleted>true</isDeleted></thread>"
    )
    for item in items:
        author = ""
        if item.name is not None:
            email = f"<email>{item.email}</email>" if item.email else "<email/>"
            author = f"<author>{email}<name>{escape(item.name)}</name></author>"
        parent = f'<parent dsq:id="{item.parent}"/>' if item.parent else ""
        approved = "<isApproved>false</isApproved>" if item.status == "pending" else ""
        parts.append(
            f'<post dsq:id="{item.ref}"><id/><message><![CDATA[<p>{item.text}</p>]]></message>'
            f"<createdAt>{item.time:%Y-%m-%dT%H:%M:%SZ}</createdAt>"
            f"<isDeleted>{flag(item.status == 'deleted')}</isDeleted>"
            f"<isSpam>{flag(item.status == 'spam')}</isSpam>{approved}{author}"
            f"<ipAddress>192.0.2.7</ipAddress>"
            f'<thread dsq:id="{item.thread}"/>{parent}</post>'
        )
    parts.append(
        '<post dsq:id="p-lost"><message>m99 orphan thread</message>'
        '<createdAt>2021-03-04T00:00:00Z</createdAt><thread dsq:id="t9"/></post>'
    )
    parts.append(extra)
    parts.append("</disqus>")
    return "\n".join(parts)


WP_APPROVED = {"approved": "1", "pending": "0", "spam": "spam", "deleted": "trash"}


def wxr(items: list[Item], threads=THREADS) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        # The namespaces as WordPress declares them: its excerpt namespace comes first.
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">',
        "<channel><title>News</title><link>https://news.example</link>",
        "<wp:wxr_version>1.2</wp:wxr_version>",
    ]
    for thread in threads:
        out.append(
            # WordPress keeps titles as HTML and author names HTML-escaped (_wp_specialchars).
            f"<item><title>{escape(html_escaped(thread.title))}</title>"
            f"<link>https://news.example/{thread.key}</link>"
            f"<wp:post_id>{thread.key}</wp:post_id><wp:post_type>post</wp:post_type>"
            "<wp:post_date_gmt>2021-01-01 00:00:00</wp:post_date_gmt>"
            f"<wp:comment_status>{'closed' if thread.closed else 'open'}</wp:comment_status>"
        )
        for item in (i for i in items if i.thread == thread.ref):
            author = (
                f"<wp:comment_author><![CDATA[{html_escaped(item.name)}]]></wp:comment_author>"
                if item.name is not None
                else ""
            )
            out.append(
                f"<wp:comment><wp:comment_id>{item.ref}</wp:comment_id>{author}"
                f"<wp:comment_author_email>{item.email or ''}</wp:comment_author_email>"
                "<wp:comment_author_IP>192.0.2.8</wp:comment_author_IP>"
                f"<wp:comment_date>{item.time:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
                f"<wp:comment_date_gmt>{item.time:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                f"<wp:comment_content><![CDATA[{item.text}\n\nsecond paragraph]]>"
                "</wp:comment_content>"
                f"<wp:comment_approved>{WP_APPROVED[item.status]}</wp:comment_approved>"
                "<wp:comment_type>comment</wp:comment_type>"
                f"<wp:comment_parent>{item.parent or 0}</wp:comment_parent></wp:comment>"
            )
        if thread.ref == "t2":
            out.append(
                "<wp:comment><wp:comment_id>ping1</wp:comment_id>"
                "<wp:comment_content>m98 a pingback</wp:comment_content>"
                "<wp:comment_date_gmt>2021-03-04 00:00:00</wp:comment_date_gmt>"
                "<wp:comment_approved>1</wp:comment_approved>"
                "<wp:comment_type>pingback</wp:comment_type></wp:comment>"
            )
        out.append("</item>")
    out.append(
        "<item><title>photo.jpg</title><wp:post_id>77</wp:post_id>"
        "<wp:post_type>attachment</wp:post_type>"
        "<wp:comment><wp:comment_id>att1</wp:comment_id>"
        "<wp:comment_content>m97 on a photo</wp:comment_content>"
        "<wp:comment_date_gmt>2021-03-04 00:00:00</wp:comment_date_gmt>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment></item>"
    )
    out.append("</channel></rss>")
    return "\n".join(out)


ISSO_MODES = {"approved": 1, "pending": 2, "deleted": 4}
ISSO_SCHEMA = (
    "CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256))",
    "CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,"
    " created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR, text VARCHAR,"
    " author VARCHAR, email VARCHAR, website VARCHAR, likes INTEGER DEFAULT 0,"
    " dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL, notification INTEGER DEFAULT 0)",
    "CREATE TABLE preferences (key VARCHAR PRIMARY KEY, value VARCHAR)",
)


def isso_db(path: Path, items: list[Item], threads=THREADS) -> Path:
    """An Isso database: integer ids, as Isso has them (c5 -> 5, t1 -> 1)."""
    connection = sqlite3.connect(path)
    for statement in ISSO_SCHEMA:
        connection.execute(statement)
    for thread in threads:
        connection.execute(
            "INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
            (int(thread.ref[1:]), thread.key, thread.title),
        )
    for item in items:
        connection.execute(
            "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text,"
            " author, email, likes, dislikes, voters) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                int(item.thread[1:]),
                int(item.ref[1:]),
                int(item.parent[1:]) if item.parent else None,
                item.time.timestamp(),
                None,
                ISSO_MODES[item.status],
                "192.0.2.0",
                "" if item.status == "deleted" else item.text,
                # Isso stores both HTML-escaped (views/comments.py: escape(..., quote=False)).
                html_escaped(item.name),
                html_escaped(item.email),
                3,
                1,
                b"",
            ),
        )
    connection.commit()
    connection.close()
    return path


IP_HMAC = "293ec5b0cf154855258824ec7fac5dc63d176915"


def remark42_lines(items: list[Item], threads=THREADS) -> str:
    urls = {thread.ref: f"https://news.example/{thread.key}" for thread in threads}
    header = {
        "version": 1,
        "users": [],
        "posts": [{"url": urls[t.ref], "read_only": t.closed} for t in threads],
    }
    lines = [json.dumps(header)]
    for item in items:
        record = {
            "id": item.ref,
            "pid": item.parent or "",
            "text": item.text if item.text.startswith("<") else f"<p>{item.text}</p>",
            # As Remark42 stores them: the name HTML-escaped (SanitizeText), the IP an HMAC.
            "user": {"name": html_escaped(item.name), "id": f"github_{item.ref}", "ip": IP_HMAC}
            if item.name is not None
            else {},
            "locator": {"site": "remark", "url": urls[item.thread]},
            "score": 2,
            "time": item.time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z"),
            "title": html_escaped(next(t.title for t in threads if t.ref == item.thread)),
        }
        if not item.text.startswith("<"):  # Markdown as typed, except the hostile HTML one
            record["orig"] = item.text
        if item.status == "deleted":
            record.update(delete=True, text="", orig="")
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


# -- checks ---------------------------------------------------------------------------------


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_harmless(html: str) -> None:
    """Only allowlisted tags, no event handlers, links only to http(s) and mailto."""
    collector = TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name == "href":
                assert value.startswith(("https://", "http://", "mailto:")), html


def walk(comments: list[dict]):
    for comment in comments:
        yield comment
        yield from walk(comment["replies"])


def marker_of(node: dict) -> str | None:
    found = re.findall(r"\bm\d+\b", node["html"])
    return found[0] if found else None


def article_key(thread: Thread, by_url: bool) -> str:
    """Remark42 knows a thread only by its URL, which becomes the article's key."""
    return f"https://news.example/{thread.key}" if by_url else thread.key


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def check_imported_threads(
    client, items: list[Item], closable: bool, site: str = "news", by_url: bool = False
) -> None:
    """Every visible comment once, under its parent, at its time; hidden ones hidden; the
    deleted comment a placeholder holding its reply; no hostile markup; counts right."""
    by_ref = {item.ref: item for item in items}
    for thread in THREADS:
        response = client.get(
            "/api/v1/threads",
            query_string={"site": site, "article": article_key(thread, by_url), "limit": 500},
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        expected = [i for i in items if i.thread == thread.ref]
        visible = [i for i in expected if i.status == "approved"]
        assert body["article"]["comment_count"] == len(visible)
        assert body["article"]["closed"] is (thread.closed and closable)
        nodes = list(walk(body["comments"]))
        parents = {}
        for node in nodes:
            for reply in node["replies"]:
                parents[reply["id"]] = node
        seen = {}
        for node in nodes:
            assert_harmless(node["html"])
            marker = marker_of(node)
            if node["status"] == "deleted":
                assert node["html"] == "<p>[deleted]</p>"
                continue
            assert marker is not None, node
            assert marker not in seen, f"{marker} shown twice"
            seen[marker] = node
        assert sorted(seen) == sorted(i.marker for i in visible)
        for item in visible:
            node = seen[item.marker]
            assert parse_iso(node["created_at"]) == item.time
            parent_node = parents.get(node["id"])
            if item.parent is None:
                assert parent_node is None
            elif by_ref[item.parent].status == "deleted":
                assert parent_node is not None and parent_node["status"] == "deleted"
            else:
                assert parent_node is not None and marker_of(parent_node) == "m" + item.parent[1:]
        names = {marker: node["author"]["name"] for marker, node in seen.items()}
        if "m1" in names:
            assert names["m1"] == "Zoë"
        if "m9" in names:
            assert names["m9"] == "Anonymous"
