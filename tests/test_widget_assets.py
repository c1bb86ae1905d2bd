"""What Parley serves for the widget: size budgets, caching, types and security headers.

Budgets are measured on the bytes actually served, gzipped at level 9, as the issue sets them.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.i18n import catalogue, pick_language
from app.limits import COUNTS_KEYS_MAX, HOST_QUERY_MAX
from app.models import Article
from app.widget.frame import on_accent, relative_time
from tests.factories import make_site, post_ok

EMBED_BUDGET = 1536
COUNT_BUDGET = 1024
EMPTY_FRAME_BUDGET = 15 * 1024
NUDGE_BUDGET = 1024
HOST = "https://news.example"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def frame_url(article: str = "a1", **extra: str) -> str:
    params = {"site": "news", "article": article, "url": f"{HOST}/story", "origin": HOST, **extra}
    return "/embed/thread?" + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.fixture
def site(app):
    make_site(app, "news", origins=[HOST])


def test_host_scripts_fit_their_budgets_and_are_cacheable_javascript(client):
    for path, budget in (("/embed.js", EMBED_BUDGET), ("/count.js", COUNT_BUDGET)):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        assert gz(response.data) <= budget, f"{path} is {gz(response.data)} bytes gzipped"
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_host_scripts_carry_their_strings_from_the_catalogue(client):
    embed = client.get("/embed.js").get_data(as_text=True)
    count = client.get("/count.js").get_data(as_text=True)
    assert "PARLEY_STRINGS" not in embed + count
    assert '{"en": "Comments"}' in embed
    assert '"one": "{n} comment", "other": "{n} comments"' in count


def test_count_js_takes_its_limits_from_the_server(client):
    count = client.get("/count.js").get_data(as_text=True)
    assert "PARLEY_LIMITS" not in count
    served = {"COUNTS_KEYS_MAX": COUNTS_KEYS_MAX, "HOST_QUERY_MAX": HOST_QUERY_MAX}
    assert f"const limits = {json.dumps(served)};" in count


def test_everything_an_empty_thread_loads_fits_in_15_kb_gzipped(client, site):
    page = client.get(frame_url())
    html = page.get_data(as_text=True)
    total = gz(page.data)
    # Every URL the page loads: stylesheet, script, and the reader's avatar (an absolute URL).
    linked = re.findall(r'(?:src|href)="(?:http://localhost)?(/[^"]+)"', html)
    assert any(url.startswith("/embed/frame.js") for url in linked)
    assert any(url.startswith("/embed/frame.css") for url in linked)
    for url in linked:
        response = client.get(url)
        assert response.status_code == 200, url
        total += gz(response.data)
    assert total <= EMPTY_FRAME_BUDGET, f"the empty frame loads {total} bytes gzipped"


def test_the_nudge_script_is_small_and_loaded_apart_from_frame_js(client, site):
    html = client.get(frame_url()).get_data(as_text=True)
    src = re.search(r'src="(/embed/nudge\.js\?v=\w+)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert gz(response.data) <= NUDGE_BUDGET, f"nudge.js is {gz(response.data)} bytes gzipped"
    assert b"innerHTML" not in response.data


def test_frame_assets_are_immutable_at_their_current_version_only(client, site):
    html = client.get(frame_url()).get_data(as_text=True)
    script = re.search(r'src="(/embed/frame\.js\?v=\w+)"', html).group(1)
    current = client.get(script)
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert current.mimetype == "text/javascript"
    stale = client.get("/embed/frame.js?v=old")
    assert stale.headers["Cache-Control"] == "no-cache"
    assert client.get("/embed/secrets.py").status_code == 404


def test_frame_csp_allows_no_inline_script_and_only_the_sites_origins_as_ancestors(client, site):
    response = client.get(frame_url(accent="%23c00"))
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp
    assert directives["frame-ancestors"] == f"{HOST} 'self'"
    assert directives["default-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", directives["style-src"]).group(1)
    assert f'<style nonce="{nonce}">:root{{--accent:#c00;--on-accent:#fff}}</style>' in html
    # The only <script> elements: the frame's files (the thread, publisher sign-on, the
    # toxicity nudge, live updates) and a JSON data block (never executed).
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [
        scripts[0],
        scripts[1],
        scripts[2],
        scripts[3],
        '<script type="application/json" id="parley-config">',
    ]
    assert scripts[0].startswith('<script src="/embed/frame.js?v=')
    assert scripts[1].startswith('<script src="/embed/identity.js?v=')
    assert scripts[2].startswith('<script src="/embed/nudge.js?v=')
    assert scripts[3].startswith('<script src="/embed/live.js?v=')


def test_frame_sets_the_partitioned_guest_cookie(client, site):
    cookie = client.get(frame_url()).headers["Set-Cookie"]
    assert cookie.startswith("parley_frame=")
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert attribute in cookie


def test_frame_ignores_bad_theme_accent_and_host_origin(client, site):
    html = client.get(
        frame_url(theme="evil", accent="%23c00%0A}body{x", origin="https://attacker.example")
    ).get_data(as_text=True)
    assert 'data-theme="auto"' in html
    assert "<style" not in html
    config = json.loads(re.search(r'id="parley-config">(.*?)</script>', html).group(1))
    assert config["host"] is None  # nothing is ever posted to a page the site did not list


def test_frame_renders_comments_with_counts_and_escapes_what_readers_typed(client, site):
    post_ok(client, site="news", article="a1", body="Hi <b>there</b>", author_name="<i>Eve</i>")
    post_ok(client, site="news", article="a1", body="Again", author_name="Bob")
    html = client.get(frame_url()).get_data(as_text=True)
    assert "2 comments" in html
    assert "Write the first comment for this!" in html  # present for later, but hidden
    assert '<p class="empty" id="empty" hidden>' in html
    assert "&lt;i&gt;Eve&lt;/i&gt;" in html and "<i>Eve</i>" not in html
    assert "Hi &lt;b&gt;there&lt;/b&gt;" in html


def test_frame_for_an_unknown_site_is_a_404_page(client):
    response = client.get("/embed/thread?site=nope&article=a1")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_more_comments_endpoint_pages_with_the_api_cursor(app, client, site):
    app.config["PARLEY_PAGE_SIZE"] = 2
    for n in range(3):
        post_ok(client, site="news", article="a1", body=f"Comment {n}")
    first = client.get(frame_url())
    cursor = re.search(r'data-next="([^"]+)"', first.get_data(as_text=True)).group(1)
    more = client.get(f"/embed/thread/comments?site=news&article=a1&cursor={cursor}")
    body = more.get_data(as_text=True)
    assert "Comment 2" in body and "Comment 0" not in body
    assert 'data-next=""' in body
    assert "frame-ancestors" in more.headers["Content-Security-Policy"]


def test_catalogue_pluralizes_and_falls_back_to_english():
    t = catalogue("en-GB")
    assert [t.plural("comment_count", n) for n in (0, 1, 2, 12)] == [
        "0 comments",
        "1 comment",
        "2 comments",
        "12 comments",
    ]
    assert pick_language("xx") == "en"
    assert t("empty") == "Write the first comment for this!"


def test_accent_text_colour_keeps_contrast():
    assert on_accent("#c00") == "#fff"
    assert on_accent("#ffeb3b") == "#000"
    assert on_accent("#1a5fb4") == "#fff"


def test_frame_without_an_article_is_a_400_page(client, site):
    response = client.get("/embed/thread?site=news")
    assert response.status_code == 400
    assert "article must be a non-empty string" in response.get_data(as_text=True)


def test_relative_times_read_naturally():
    t = catalogue("en")
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    ages = [timedelta(seconds=20), timedelta(minutes=1), timedelta(hours=3), timedelta(days=2)]
    assert [relative_time(now - age, t, now) for age in ages] == [
        "just now",
        "1 minute ago",
        "3 hours ago",
        "2 days ago",
    ]
    assert relative_time(datetime(2026, 1, 2, tzinfo=UTC), t, now) == "2026-01-02"


def test_a_site_without_guests_shows_no_form_to_guests(app, client):
    make_site(app, "members", origins=[HOST], allow_guests=False)
    html = client.get(frame_url(site="members")).get_data(as_text=True)
    assert "Sign in to comment on this site." in html
    assert 'id="post"' not in html
    assert '<main id="parley" class="noform">' in html  # and so no Reply buttons either


def test_a_closed_article_shows_its_comments_but_no_form(app, client, site):
    post_ok(client, site="news", article="a1", body="Before closing")
    with app.app_context():
        db.session.execute(update(Article).where(Article.key == "a1").values(closed=True))
        db.session.commit()
    html = client.get(frame_url()).get_data(as_text=True)
    assert "Comments are closed for this article." in html
    assert "Before closing" in html
    assert 'id="post"' not in html


def test_the_frame_reads_a_thread_in_a_constant_number_of_queries(client, site, count_queries):
    def queries_for(article: str) -> int:
        with count_queries() as counter:
            assert client.get(frame_url(article)).status_code == 200
        return len(counter)

    small = post_ok(client, site="news", article="small", body="One")
    post_ok(client, site="news", article="small", body="Two", parent_id=small["id"])
    roots = [post_ok(client, site="news", article="big", body=f"Top {n}") for n in range(6)]
    for n, root in enumerate(roots):
        reply = post_ok(client, site="news", article="big", body=f"R {n}", parent_id=root["id"])
        post_ok(client, site="news", article="big", body=f"RR {n}", parent_id=reply["id"])
    client.get(frame_url("elsewhere"))  # now a guest with a cookie, as readers are
    assert queries_for("small") == queries_for("big")
