"""Bad input ends an import with one line saying what is wrong and where, a non-zero exit,
and nothing of that run in the database (even batches already written are rolled back)."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, Comment
from app.portability.summary import describe
from app.portability.writer import ImportSummary
from tests.factories import make_site, run_cli
from tests.portability_support import ITEMS, Item, disqus_xml, isso_db, remark42_lines, wxr


def assert_failed(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def assert_nothing_imported(app) -> None:
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0
        assert db.session.scalar(select(func.count(Article.id))) == 0


def many_items(n: int) -> list[Item]:
    base = ITEMS[1]
    return [replace(base, ref=f"c{1000 + i}", parent=None, minutes=i) for i in range(n)]


@pytest.fixture
def site(app):
    make_site(app, "news")


def test_a_truncated_file_fails_after_writing_batches_and_leaves_nothing(
    app, runner, tmp_path, site
):
    text = disqus_xml(many_items(1500))  # more than one batch of 1,000 is written first
    path = tmp_path / "cut.xml"
    path.write_text(text[: int(len(text) * 0.9)], encoding="utf-8")

    result = run_cli(runner, "import", "disqus", str(path), "--site", "news")

    assert_failed(result, str(path), "line", "malformed XML")
    assert_nothing_imported(app)


@pytest.mark.parametrize(
    "value, message",
    [
        ("yesterday-ish", "createdAt 'yesterday-ish' is not a date"),
        # A valid ISO time whose UTC falls in the year 0.
        ("0001-01-01T00:00:00+01:00", "is out of the range of dates"),
    ],
)
def test_a_bad_value_names_the_record(app, runner, tmp_path, site, value, message):
    text = disqus_xml(ITEMS).replace("2021-03-04T06:06:07Z", value, 1)
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")

    result = run_cli(runner, "import", "disqus", str(path), "--site", "news")

    assert_failed(result, "post #1 (dsq:id=c2)", message)
    assert_nothing_imported(app)


BOMB = """<?xml version="1.0"?>
<!DOCTYPE disqus [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<disqus xmlns="http://disqus.com">&c;</disqus>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>&secret;</channel></rss>"""


@pytest.mark.parametrize(("source", "text"), [("disqus", BOMB), ("wordpress", EXTERNAL)])
def test_xml_entities_are_refused(app, runner, tmp_path, site, source, text):
    path = tmp_path / "evil.xml"
    path.write_text(text, encoding="utf-8")

    result = run_cli(runner, "import", source, str(path), "--site", "news")

    assert_failed(result, str(path), "refused", "entities")
    assert_nothing_imported(app)


RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</title></item></channel></rss>'
)


@pytest.mark.parametrize(
    ("source", "content", "message"),
    [
        ("disqus", wxr(ITEMS), "not a Disqus export: the document is <rss>"),
        ("wordpress", disqus_xml(ITEMS), "not a WordPress export: the document is <disqus>"),
        ("wordpress", RSS, "an RSS feed, not a WordPress export"),
        (
            "wordpress",
            RSS.replace("<rss ", '<rss xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '),
            "an RSS feed, not a WordPress export",
        ),
        ("disqus", "<disqus><thread/></disqus>", "<disqus> is not in Disqus's namespace"),
        ("wordpress", '{"version": 1}', "malformed XML"),
        ("remark42", disqus_xml(ITEMS), "line 1: not JSON"),
        ("remark42", '{"id": "c1", "text": "hi"}\n', "not a Remark42 backup"),
        ("parley", remark42_lines(ITEMS), "not a Parley export (it starts with 'version')"),
        ("parley", "[1, 2]", "not a Parley export (a JSON array"),
        ("isso", "just some text\n" * 50, "not a readable Isso database"),
    ],
)
def test_the_wrong_kind_of_file_is_named(app, runner, tmp_path, site, source, content, message):
    path = tmp_path / "input"
    path.write_text(content, encoding="utf-8")

    result = run_cli(runner, "import", source, str(path), "--site", "news")

    assert_failed(result, message)
    assert_nothing_imported(app)


def test_an_sqlite_file_that_is_not_isso_is_named(app, runner, tmp_path, site):
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE threads (id INTEGER PRIMARY KEY, name TEXT)")
    result = run_cli(runner, "import", "isso", str(path), "--site", "news")
    assert_failed(result, "not an Isso database: table 'threads' lacks title, uri")


def test_truncated_json_lines_gzip_and_sqlite_files(app, runner, tmp_path, site):
    lines = remark42_lines(ITEMS)
    cut = tmp_path / "cut.bak"
    cut.write_text(lines[:-40], encoding="utf-8")
    assert_failed(
        run_cli(runner, "import", "remark42", str(cut), "--site", "news"),
        f"{cut}, line {lines.count(chr(10))}: cut short",
    )
    zipped = tmp_path / "cut.xml.gz"
    zipped.write_bytes(gzip.compress(disqus_xml(ITEMS).encode())[:-30])
    assert_failed(
        run_cli(runner, "import", "disqus", str(zipped), "--site", "news"), "cut short or damaged"
    )
    whole = isso_db(tmp_path / "isso.db", ITEMS[:3])
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(whole.read_bytes()[:5000])
    assert_failed(run_cli(runner, "import", "isso", str(damaged), "--site", "news"), str(damaged))
    assert_nothing_imported(app)


def test_remark42_records_of_an_unexpected_shape_are_skipped_not_a_traceback(
    app, runner, tmp_path, site
):
    """JSON of the right kind but odd shapes (a locator or post URL that is not what Remark42
    writes) is skipped with its reason, never an AttributeError or TypeError."""
    header = {"version": 1, "users": [], "posts": [{"url": ["x"], "read_only": True}, "x"]}
    comment = {"id": "c1", "pid": "", "text": "<p>hi</p>", "time": "2021-01-01T00:00:00Z"}
    lines = [
        json.dumps(header),
        json.dumps({**comment, "locator": "https://news.example/a"}),
        json.dumps({**comment, "id": "c2", "locator": {"url": "https://news.example/a"}}),
    ]
    path = tmp_path / "odd.bak"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_cli(runner, "import", "remark42", str(path), "--site", "news")

    assert result.exit_code == 0, result.output
    assert "comments: 1 imported" in result.output
    assert "1 comment: no locator url" in result.output


def test_a_truncated_parley_export_names_the_last_record(app, runner, tmp_path, site):
    document = {
        "format": "parley-export",
        "version": 1,
        "exported_at": "2021-01-01T00:00:00Z",
        "site": {"slug": "x", "name": "X"},
        "accounts": [],
        "articles": [
            {
                "key": "a",
                "title": None,
                "url": None,
                "closed": False,
                "premod": None,
                "comment_count": 0,
                "created_at": "2021-01-01T00:00:00Z",
            }
        ],
    }
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(document)[:-3], encoding="utf-8")

    result = run_cli(runner, "import", "parley", str(path), "--site", "news")

    assert_failed(result, "in articles[0]", "the file ends too early")
    assert_nothing_imported(app)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (disqus_xml(ITEMS).encode(), "bad JSON"),
        (b'{"format": "parley-export",, "version": 1}', "bad JSON"),
        (b'{"format": "parley-export", "site": {"name": "Caf\xe9"}}', "not UTF-8 text"),
    ],
)
def test_a_parley_import_of_bad_json_does_not_say_the_file_ends_too_early(
    app, runner, tmp_path, site, content, message
):
    path = tmp_path / "input.json"
    path.write_bytes(content)

    result = run_cli(runner, "import", "parley", str(path), "--site", "news")

    assert_failed(result, message)
    assert "ends too early" not in result.output
    assert_nothing_imported(app)


def test_an_unknown_site_or_missing_file_is_one_line(app, runner, tmp_path):
    path = tmp_path / "d.xml"
    path.write_text(disqus_xml(ITEMS), encoding="utf-8")
    assert_failed(
        run_cli(runner, "import", "disqus", str(path), "--site", "nowhere"), "no site with slug"
    )
    assert_failed(
        run_cli(runner, "import", "wordpress", str(tmp_path / "missing.xml"), "--site", "news"),
        "missing.xml: cannot read it",
    )
    assert_failed(run_cli(runner, "export", "--site", "nowhere"), "no site with slug")
    assert_nothing_imported(app)


def test_the_summary_names_what_was_skipped_in_plain_english():
    summary = ImportSummary("parley", "news")
    summary.skipped.update(
        {
            ("audit entry", "already there"): 2,
            ("audit entry", "its comment was imported before, or not at all"): 1,
            ("comment", "a pingback, not a comment"): 3,
        }
    )
    text = describe(summary)
    assert "  2 audit entries: already there" in text
    assert "  1 audit entry: its comment was imported before, or not at all" in text
    assert "  3 comments: a pingback, not a comment" in text


def test_an_isso_file_whose_name_holds_uri_characters_is_read(app, runner, tmp_path, site):
    path = isso_db(tmp_path / "comments?v=2#old%20copy.db", ITEMS[:3])

    result = run_cli(runner, "import", "isso", str(path), "--site", "news")

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) > 0
