"""embed.js and count.js on a publisher's page: sizing, hostile CSS, loading twice, SPAs, counts."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from app.extensions import db
from app.limits import ARTICLE_KEY_MAX, HOST_QUERY_MAX
from app.services.articles import fit_article_key
from app.services.comments import post_comment
from app.services.identity import Viewer

from .widget_support import FRAME, eventually, frame_of, heights, post

HOSTILE_CSS = """
* { all: unset; }
div { display: none !important; }
iframe { width: 10px !important; height: 10px !important; display: none !important;
         position: absolute !important; left: -9999px !important; opacity: 0 !important;
         border: 20px solid red !important; max-height: 5px !important; }
body * { visibility: hidden; font-size: 0 !important; line-height: 0 !important; }
"""


def seed_comments(widget, site: str, article: str, bodies: list[str]) -> list[int]:
    with widget.live.app.app_context():
        ids = [
            post_comment(
                site_slug=site,
                article_key=article,
                body=body,
                viewer=Viewer(ip="127.0.0.9"),
                author_name="Seeder",
            ).id
            for body in bodies
        ]
        db.session.remove()
    return ids


def test_frame_height_follows_its_content_at_any_width_and_after_late_content(page, widget, watch):
    site = widget.site()
    seed_comments(widget, site, "sizes", ["A rather long comment " * 20, "Short"])
    lazy_image = (
        '<img loading="lazy" alt="" src="data:image/svg+xml,'
        "%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='600'/%3E\">"
    )
    page.set_viewport_size({"width": 1000, "height": 700})
    frame = widget.open(page, site, "sizes", before=lazy_image).frame
    expect(frame.locator("#comments > li")).to_have_count(2)
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1])
    wide = heights(page, frame)[0]

    page.set_viewport_size({"width": 320, "height": 700})
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1] and h[0] > wide)
    width = page.eval_on_selector(FRAME, "f => f.getBoundingClientRect().width")
    scroll_width = frame.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width  # nothing sticks out at 320 px

    # Content that arrives later (a picture loading, a form opening) resizes the frame too.
    narrow = heights(page, frame)[0]
    frame.evaluate(
        """() => { const img = new Image(); img.width = 10; img.alt = "";
        img.src = "/avatars/i/0123456789abcdef0123.svg"; img.style.height = "400px";
        document.querySelector("#comments").before(img); }"""
    )
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1] >= narrow + 400)


def test_a_lazy_image_loading_beside_the_widget_narrows_it_and_the_frame_regrows(
    page, widget, watch
):
    site = widget.site()
    seed_comments(widget, site, "beside", ["Words that will wrap onto more lines " * 12])
    layout = ".row { display: flex; } #parley-thread { flex: 1 1 auto; min-width: 0; }"
    page.set_viewport_size({"width": 1000, "height": 800})
    frame = widget.open(
        page,
        site,
        "beside",
        css=layout,
        before='<section class="row">',
        after="<aside></aside></section>",
    ).frame
    expect(frame.locator("#comments > li")).to_have_count(1)
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1])
    before = heights(page, frame)[0]

    # The publisher's sidebar picture arrives late (lazy) and takes 550 px of the row.
    page.evaluate(
        """() => { const img = document.createElement("img"); img.loading = "lazy"; img.alt = "";
        img.src = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='550' "
                + "height='20'/%3E"; document.querySelector("aside").append(img); }"""
    )
    assert eventually(page, lambda: page.eval_on_selector(FRAME, "f => f.offsetWidth") < 460)
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1] > before)


def test_aggressive_host_css_does_not_break_the_widget(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "hostile", css=HOSTILE_CSS).frame

    box = page.eval_on_selector(FRAME, "f => f.getBoundingClientRect().toJSON()")
    assert box["width"] > 300 and box["height"] > 200
    assert page.eval_on_selector(FRAME, "f => getComputedStyle(f).display") == "block"
    expect(frame.locator("#empty")).to_be_visible()
    post(frame, "Still works")
    expect(frame.locator("#count")).to_have_text("1 comment")
    assert eventually(page, lambda: (h := heights(page, frame))[0] == h[1])


def test_embed_js_loaded_twice_mounts_once_and_adds_only_window_parley(page, widget, watch):
    site = widget.site()
    page.goto(widget.page(site, "plain", script="count.js"))
    baseline = set(page.evaluate("Object.getOwnPropertyNames(window)"))
    second = f'<div data-parley-thread data-site="{site}" data-article="second"></div>'
    twice = f'<script async src="{widget.live.url}/embed.js"></script>'
    widget.open(page, site, "first", after=second + twice)

    assert page.locator("#parley-thread iframe").count() == 1
    assert page.locator("[data-parley-thread] iframe").count() == 1
    frame_urls = [f.url for f in page.frames if "/embed/thread" in f.url]
    assert len(frame_urls) == 2
    added = set(page.evaluate("Object.getOwnPropertyNames(window)")) - baseline
    assert {name for name in added if not name.isdigit()} == {"Parley"}  # 0, 1: the frames


def test_parley_load_retargets_the_frame_for_single_page_sites(page, widget, watch):
    site = widget.site()
    seed_comments(widget, site, "story-2", ["Only on story two"])
    frame = widget.open(page, site, "story-1").frame
    expect(frame.locator("#empty")).to_be_visible()

    page.evaluate("Parley.load({article: 'story-2', title: 'Story two'})")
    frame = eventually(
        page, lambda: next((f for f in page.frames if "article=story-2" in f.url), None)
    )
    assert frame is not None
    expect(frame.locator("#comments .comment-body")).to_have_text("Only on story two")
    assert page.locator("iframe").count() == 1


def open_count_page(page, widget, name: str, site: str, keys: list[str], shown: str = "") -> list:
    """A publisher's page with a count span per key and count.js; the counts requests' URLs."""
    spans = "".join(
        f'<p><span data-parley-count data-site="{site}" data-article="{key}">{shown}</span></p>'
        for key in keys
    )
    count_requests: list[str] = []
    page.on("request", lambda r: "/api/v1/counts" in r.url and count_requests.append(r.url))
    html = f"""<!doctype html><html lang="en"><head><link rel="icon" href="data:,"></head>
    <body>{spans}<script async src="{widget.live.url}/count.js"></script></body></html>"""
    page.goto(widget.pages.add(f"{name}-{site}", html))
    return count_requests


def test_count_js_fills_every_span_with_one_request(page, widget, watch):
    site = widget.site()
    seed_comments(widget, site, "one", ["a"])
    seed_comments(widget, site, "two", ["a", "b"])
    count_requests = open_count_page(page, widget, "counts", site, ["zero", "one", "two", "two"])

    spans = page.locator("[data-parley-count]")
    expect(spans.nth(0)).to_have_text("0 comments")
    expect(spans.nth(1)).to_have_text("1 comment")
    expect(spans.nth(2)).to_have_text("2 comments")
    expect(spans.nth(3)).to_have_text("2 comments")
    assert len(count_requests) == 1


def test_count_js_leaves_out_a_blank_key_and_counts_a_long_one(page, widget, watch):
    site = widget.site()
    long_key = "https://news.example/" + "x" * ARTICLE_KEY_MAX
    seed_comments(widget, site, "one", ["a"])
    seed_comments(widget, site, fit_article_key(long_key), ["a", "b"])  # as the frame keys it
    open_count_page(page, widget, "long-keys", site, ["one", "   ", long_key], shown="?")

    spans = page.locator("[data-parley-count]")
    expect(spans.nth(0)).to_have_text("1 comment")  # its batch was not spoiled by the blank key
    expect(spans.nth(2)).to_have_text("2 comments")
    expect(spans.nth(1)).to_have_text("?")


def test_count_js_splits_long_keys_into_requests_a_server_takes(page, widget, watch):
    """100 canonical-URL keys would make one 11,000-character query: gunicorn (and proxies)
    refuse request lines over 8 KiB, so count.js also splits by the query's length."""
    site = widget.site()
    keys = [
        f"https://news.example/2026/12/03/{n:03d}-" + "a-long-headline-" * 5 for n in range(100)
    ]
    seed_comments(widget, site, keys[0], ["a"])
    seed_comments(widget, site, keys[-1], ["a", "b"])
    count_requests = open_count_page(page, widget, "many-long-keys", site, keys, shown="?")

    spans = page.locator("[data-parley-count]")
    expect(spans.nth(0)).to_have_text("1 comment")
    expect(spans.nth(99)).to_have_text("2 comments")
    expect(spans.nth(50)).to_have_text("0 comments")
    assert len(count_requests) >= 2
    assert all(len(urlsplit(url).query) <= HOST_QUERY_MAX for url in count_requests)
    asked = [key for url in count_requests for key in parse_qs(urlsplit(url).query)["article"]]
    assert sorted(asked) == sorted(keys)


def test_embed_js_leaves_out_its_hints_when_the_frame_address_would_be_too_long(
    page, widget, watch
):
    """A 400-emoji key (4,800 characters encoded) and a 2,000-character page address make a
    frame address servers refuse (gunicorn: 8,190 bytes): the url and title hints are left
    out, the key never is, and the thread works."""
    site = widget.site()
    key = "💬" * 400
    page_url = "https://news.example/" + "a" * 2000
    html = f"""<!doctype html><html lang="en"><head><link rel="icon" href="data:,"></head>
    <body><div id="parley-thread" data-site="{site}" data-article="{key}"
    data-title="A long read" data-url="{page_url}"></div>
    <script async src="{widget.live.url}/embed.js"></script></body></html>"""
    page.goto(widget.pages.add(f"long-frame-{site}", html))

    frame = frame_of(page)
    expect(frame.locator("#empty")).to_be_visible()
    address = urlsplit(page.eval_on_selector(FRAME, "f => f.src")).query
    assert len(address) <= HOST_QUERY_MAX
    query = parse_qs(address)
    assert query["article"] == [key] and "url" not in query and "title" not in query
    post(frame, "Found under its key")
    expect(frame.locator("#count")).to_have_text("1 comment")
