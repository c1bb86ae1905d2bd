"""Text is shown as its writer wrote it: invisible characters scripts need stay in bodies,
names lose every invisible character, names that show nothing are refused, and bodies and
names are isolated on the page so bidi text cannot leak into the layout around them."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.models import Comment
from app.sanitize import normalize_name, render_markdown, renders_as_nothing
from app.services import users as user_service
from app.services.errors import ValidationError
from tests.factories import make_site, post_comment, post_ok

HOST = "https://news.example"

KEPT_IN_BODIES = {
    "zero-width space (Thai word break)": "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u200b"
    "\u0e04\u0e23\u0e31\u0e1a",
    "left-to-right mark": "\u05e9\u05dc\u05d5\u05dd \u200eC++\u200e \u05e2\u05d5\u05dc\u05dd",
    "right-to-left mark": "\u0645\u0631\u062d\u0628\u0627!\u200f",
    "soft hyphen": "Donau\u00addampf\u00adschiff",
    "byte-order mark inside the text": "before\ufeffafter",
}


@pytest.fixture
def site(app):
    make_site(app, "news", origins=[HOST])


@pytest.mark.parametrize("text", KEPT_IN_BODIES.values(), ids=KEPT_IN_BODIES.keys())
def test_bodies_keep_the_invisible_characters_their_writers_need(app, client, site, text):
    created = post_ok(client, body=text)
    assert text in created["html"]
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    assert text in thread["comments"][0]["html"]
    with app.app_context():
        assert db.session.get(Comment, created["id"]).body_source == text


def test_a_leading_byte_order_mark_and_control_characters_still_go(app, client, site):
    # NUL is refused outright by the JSON layer (tests/test_bad_input.py); others are dropped.
    created = post_ok(client, body="\ufeffbell\x07 and escape\x1b gone")
    with app.app_context():
        assert db.session.get(Comment, created["id"]).body_source == "bell and escape gone"


@pytest.mark.parametrize("body", ["\u200b", "\u200e\u200f \u00ad", "\ufeff\u2800", "\u3164"])
def test_a_body_that_shows_nothing_is_invalid_body(client, site, body):
    response = post_comment(client, body=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_body"


INVISIBLE_IN_NAMES = {
    "arabic letter mark": "\u061c",
    "combining grapheme joiner": "\u034f",
    "variation selector 16": "\ufe0f",
    "variation selector 256": "\U000e01ef",
    "tag characters": "\U000e0061\U000e0064\U000e006d",
    "zero-width space": "\u200b",
    "left-to-right mark": "\u200e",
    "right-to-left override": "\u202e",
    "soft hyphen": "\u00ad",
    "word joiner": "\u2060",
    "mongolian vowel separator": "\u180e",
    "arabic number sign (format)": "\u0600",
    "zero-width joiner between latin letters": "\u200d",
}


@pytest.mark.parametrize("char", INVISIBLE_IN_NAMES.values(), ids=INVISIBLE_IN_NAMES.keys())
def test_names_lose_every_default_ignorable_and_format_character(client, site, char):
    created = post_ok(client, author_name=f"Ad{char}min{char}")
    assert created["author"]["name"] == "Admin"


def test_names_keep_joiners_that_persian_names_and_emoji_need():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert normalize_name(persian) == persian
    assert normalize_name(f"Ana {family}") == f"Ana {family}"
    assert normalize_name("\u200cAna\u200d") == "Ana"


BLANK_NAMES = {
    "hangul filler": "\u3164",
    "halfwidth hangul filler": "\uffa0",
    "hangul choseong and jungseong fillers": "\u115f\u1160",
    "braille blank": "\u2800\u2800",
    "ideographic space": "\u3000",
    "only a variation selector": "\ufe0f",
    "only a combining mark": "\u0301",
}


@pytest.mark.parametrize("name", BLANK_NAMES.values(), ids=BLANK_NAMES.keys())
def test_a_name_that_renders_as_nothing_is_invalid_author(client, site, name):
    response = post_comment(client, author_name=name)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_author"


def test_accounts_cannot_be_named_with_nothing_visible(app):
    with app.app_context(), pytest.raises(ValidationError) as refused:
        user_service.create_user("blank@example.org", "\u3164", "pw")
    assert refused.value.code == "invalid_name"
    with app.app_context():
        user = user_service.create_user("bidi@example.org", "Dana\u202e\u061c", "pw")
        assert user.name == "Dana"


def test_visible_names_and_bodies_are_not_nothing():
    for text in ("a", "\u0645", "\U0001f600", "\u00e9", "-", "\u0e01"):
        assert not renders_as_nothing(text)


@pytest.mark.parametrize(
    "url",
    [
        "http://a/%%30%30",
        "http://b/%41%42",
        "https://ex.org/caf%C3%A9",
        "http://xn--80ak6aa92e.com/",
        "https://ex.org/%E2%80%AEtxt.exe",
    ],
)
def test_linkified_urls_are_shown_as_written(url):
    html = render_markdown(f"see {url} and <{url}>")
    shown = LinkTexts.of(html)
    assert shown == [url, url]


class LinkTexts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.inside = True
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.texts[-1] += data

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.texts


class NameIsolation(HTMLParser):
    """Records, for every author name in the frame, how it is isolated."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "author" in (attributes.get("class") or "").split():
            self.names.append(attributes.get("dir"))


def test_the_frame_isolates_every_author_name(client, site):
    parent = post_ok(
        client, body="\u0645\u0631\u062d\u0628\u0627", author_name="\u0639\u0644\u064a"
    )
    post_ok(client, body="reply", parent_id=parent["id"], author_name="Bo")
    page = client.get(f"/embed/thread?site=news&article=a1&origin={HOST}&url={HOST}/a1")
    assert page.status_code == 200
    isolation = NameIsolation()
    isolation.feed(page.get_data(as_text=True))
    # The two comments (new ones come from the same server renderer).
    assert isolation.names == ["auto"] * 2
