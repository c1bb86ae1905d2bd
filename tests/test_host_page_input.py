"""What the host page sends the frame (title, URL, the URL as article key) is made to fit:
a long title or URL never keeps a reader from seeing the widget or posting."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from app.limits import ARTICLE_TITLE_MAX as TITLE_MAX
from app.models import ARTICLE_KEY_MAX
from tests.factories import make_site
from tests.widget_support import (
    Browser,
    guest_pages,  # noqa: F401 - autouse fixture
)

CONFIG = re.compile(r'<script type="application/json" id="parley-config">(.*?)</script>', re.S)
LONG_URL = "https://news.example/2026/12/01/" + "a-very-long-slug-" * 40  # ~700 characters


def frame_config(browser: Browser, **params: str) -> dict:
    response = browser.get(f"/embed/thread?{urlencode({'site': 'news', **params})}")
    assert response.status_code == 200, response.status_code
    return json.loads(CONFIG.search(response.get_data(as_text=True)).group(1))


def test_a_long_title_and_page_url_still_give_a_widget_that_posts(app):
    make_site(app)
    reader = Browser(app)
    title = "Breaking: " + "an extremely long headline " * 20  # ~550 characters
    config = frame_config(reader, article=LONG_URL, title=title, url=LONG_URL)
    assert len(config["article"]) <= ARTICLE_KEY_MAX
    assert config["article"].startswith("https://news.example/2026/12/01/")
    assert len(config["title"]) == TITLE_MAX and config["title"].endswith("…")
    assert config["url"] == LONG_URL
    posted = reader.post(
        "/api/v1/comments",
        json={
            "site": "news",
            "article": config["article"],
            "article_title": config["title"],
            "article_url": config["url"],
            "body": "Commenting on a long page",
            "author_name": "Reader",
        },
    )
    assert posted.status_code == 201, posted.get_json()
    # The same page gives the same key, so the comment is on its thread; another page does not.
    again = frame_config(Browser(app), article=LONG_URL, title=title)
    assert again["article"] == config["article"]
    thread = reader.thread(config["article"])
    assert [c["id"] for c in thread["comments"]] == [posted.get_json()["id"]]
    other = frame_config(Browser(app), article=LONG_URL + "-2")
    assert other["article"] != config["article"]


def test_a_page_url_too_long_to_keep_is_left_out(app):
    make_site(app)
    huge = "https://news.example/?" + "q" * 3000
    config = frame_config(Browser(app), article="a1", url=huge)
    assert config["url"] is None
