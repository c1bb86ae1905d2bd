"""The sanitizer is the only thing between a reader's text and other readers' pages.

Every check parses the rendered HTML with the standard library's ``html.parser`` (what a browser
would see as tags and attributes) instead of searching the string. No database is needed, so
none of these tests use the ``app`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    normalize_text,
    plain_text,
    render_markdown,
)

REL = "nofollow ugc noopener noreferrer"
# Attributes the sanitizer itself adds to every link, on top of the allowlist.
ADDED_LINK_ATTRIBUTES = {"rel", "target"}


@dataclass
class Parsed:
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    end_tags: list[str] = field(default_factory=list)
    text: str = ""
    markup_declarations: list[str] = field(default_factory=list)

    @property
    def links(self) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == "a"]

    def names(self) -> list[str]:
        return [tag for tag, _ in self.tags]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = Parsed()

    def handle_starttag(self, tag, attrs):
        self.parsed.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.parsed.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.parsed.end_tags.append(tag)

    def handle_data(self, data):
        self.parsed.text += data

    def handle_comment(self, data):
        self.parsed.markup_declarations.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.parsed.markup_declarations.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.parsed.markup_declarations.append(f"<![{data}]>")

    def handle_pi(self, data):
        self.parsed.markup_declarations.append(f"<?{data}>")


def parse(html: str) -> Parsed:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.parsed


def href_is_allowed(href: str) -> bool:
    parts = urlsplit(href)
    if parts.scheme not in ALLOWED_PROTOCOLS:
        return False
    return bool(parts.path) if parts.scheme == "mailto" else bool(parts.hostname)


def safety_violations(html: str) -> list[str]:
    """Everything in ``html`` that must never reach a reader's page; empty when it is safe."""
    problems = []
    if "<script" in html.lower():
        problems.append("contains '<script'")
    parsed = parse(html)
    problems += [f"markup declaration {d!r}" for d in parsed.markup_declarations]
    problems += [
        f"end tag </{t}> outside allowlist" for t in parsed.end_tags if t not in ALLOWED_TAGS
    ]
    for tag, attrs in parsed.tags:
        if tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}> outside allowlist")
        allowed = set(ALLOWED_ATTRIBUTES.get(tag, ()))
        if tag == "a":
            allowed |= ADDED_LINK_ATTRIBUTES
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                problems.append(f"style= on <{tag}>")
            if name not in allowed:
                problems.append(f"attribute {name}= not allowed on <{tag}>")
            if name == "href" and not href_is_allowed(value or ""):
                problems.append(f"href {value!r} is not an absolute http(s)/mailto URL")
        if tag == "a":
            if not attrs.get("href"):
                problems.append("<a> without href")
            if attrs.get("rel") != REL:
                problems.append(f"<a> with rel={attrs.get('rel')!r}")
            if attrs.get("target") != "_blank":
                problems.append(f"<a> with target={attrs.get('target')!r}")
    return problems


HOSTILE_INPUTS = [
    # Script tags
    pytest.param("<script>alert(1)</script>", id="script-plain"),
    pytest.param("<ScRiPt>alert(1)</sCrIpT>", id="script-mixed-case"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested-split-name"),
    pytest.param("<<script>script>alert(1)<</script>/script>", id="script-double-angle"),
    pytest.param("<script src=//evil.example/x.js></script>", id="script-external-src"),
    pytest.param("`<script>alert(1)</script>`", id="script-in-code-span"),
    pytest.param("```html\n<script>alert(1)</script>\n```", id="script-in-fenced-block"),
    pytest.param("    <script>alert(1)</script>", id="script-in-indented-block"),
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt;", id="script-entity-encoded"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="script-inside-svg"),
    # Event handlers
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<img/src/onerror=alert(1)>", id="img-onerror-slash-separated"),
    pytest.param('<a href="http://ok.example" onclick="alert(1)">x</a>', id="a-onclick"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param("<details open ontoggle=alert(1)>", id="details-ontoggle"),
    pytest.param("**<img src=x onerror=alert(1)>**", id="onerror-inside-emphasis"),
    pytest.param("[<img src=x onerror=alert(1)>](http://ok.example)", id="onerror-in-link-text"),
    # Dangerous schemes in Markdown links
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param('[x](javascript:alert(1) "title")', id="md-link-javascript-with-title"),
    pytest.param("[x](vbscript:msgbox(1))", id="md-link-vbscript"),
    pytest.param(
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        id="md-link-data-text-html",
    ),
    pytest.param(
        "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", id="md-link-data-svg"
    ),
    pytest.param("[x](data:image/png;base64,iVBORw0KGgo=)", id="md-link-data-png"),
    pytest.param("[x](livescript:1)", id="md-link-scheme-read-as-port"),
    pytest.param("[x](mailto:javascript:alert(1))", id="md-link-mailto-wrapping-javascript"),
    pytest.param("[r]: javascript:alert(1)\n\n[x][r]", id="reference-link-javascript"),
    pytest.param("[r]: data:image/png;base64,iVBORw0KGgo=\n\n[x][r]", id="reference-link-data"),
    pytest.param("[r]: vbscript:msgbox(1)\n\n[r]", id="reference-link-shortcut-vbscript"),
    # Autolinks and linkify
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<JavaScript:alert(1)>", id="autolink-javascript-mixed-case"),
    pytest.param("<vbscript:msgbox(1)>", id="autolink-vbscript"),
    pytest.param("<data:text/html,<script>alert(1)</script>>", id="autolink-data-html"),
    pytest.param("see javascript://example.com/%0Aalert(1)", id="linkify-javascript-comment"),
    pytest.param("see data:example.com now", id="linkify-bare-data-scheme"),
    pytest.param("join irc://example.com/room", id="linkify-bare-irc-scheme"),
    pytest.param("feed:example.com and ssh://example.com", id="linkify-bare-other-schemes"),
    # Entity-encoded and obfuscated schemes
    pytest.param("[x](&#106;avascript:alert(1))", id="entity-decimal-j"),
    pytest.param("[x](&#x6A;avascript:alert(1))", id="entity-hex-j"),
    pytest.param("[x](&#0000106;avascript:alert(1))", id="entity-zero-padded"),
    pytest.param("[x](java&#x09;script:alert(1))", id="entity-tab-inside-scheme"),
    pytest.param("[x](java&#x0A;script:alert(1))", id="entity-newline-inside-scheme"),
    pytest.param("[x](<java\tscript:alert(1)>)", id="raw-tab-inside-scheme"),
    pytest.param("[x](<java\nscript:alert(1)>)", id="raw-newline-inside-scheme"),
    pytest.param("[x](javascript&colon;alert(1))", id="entity-colon"),
    pytest.param("[x](JAVASCRIPT:alert(1))", id="uppercase-scheme"),
    pytest.param("[x](\x01javascript:alert(1))", id="control-char-before-scheme"),
    pytest.param("[x](%6Aavascript:alert(1))", id="percent-encoded-scheme"),
    # Links that are not absolute http(s)/mailto URLs
    pytest.param("[x](//evil.example/login)", id="protocol-relative-link"),
    pytest.param("[x](/auth/logout)", id="relative-path-link"),
    pytest.param("[x](http:alert(1))", id="http-scheme-without-host"),
    # Style
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style-attribute"),
    pytest.param("<style>*{background:url(javascript:alert(1))}</style>", id="style-tag"),
    # Embedding, forms and document-level tags
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<embed src="javascript:alert(1)">', id="embed"),
    pytest.param(
        '<form action="javascript:alert(1)">'
        '<input type="submit" autofocus onfocus=alert(1)></form>',
        id="form-and-input",
    ),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta"),
    pytest.param('<base href="javascript:alert(1)//">', id="base"),
    pytest.param('<link rel="stylesheet" href="http://evil.example/x.css">', id="link-tag"),
    pytest.param('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', id="mathml-xlink"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="raw-anchor-javascript"),
    # Comments and CDATA
    pytest.param("<!-- <script>alert(1)</script> -->", id="html-comment"),
    pytest.param("<!--[if IE]><script>alert(1)</script><![endif]-->", id="conditional-comment"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata"),
    pytest.param("<!DOCTYPE html><?xml version='1.0'?>", id="doctype-and-processing-instruction"),
    # Nested-markup tricks
    pytest.param(
        '<a href="http://ok.example" title="x>"onmouseover=alert(1)//">y</a>',
        id="attribute-breakout-in-raw-html",
    ),
    pytest.param("<p <script>alert(1)</script>>x</p>", id="tag-inside-tag"),
    pytest.param("*<b>*</b>* **<i>**</i>", id="emphasis-interleaved-with-html"),
    pytest.param(
        "> <script>alert(1)</script>\n> - <img src=x onerror=alert(1)>", id="in-quote-list"
    ),
    pytest.param("[a <http://x.example>](javascript:alert(1))", id="autolink-inside-bad-link"),
    # Markdown images
    pytest.param("![x](javascript:alert(1))", id="md-image-javascript"),
    pytest.param("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", id="md-image-svg"),
    pytest.param('![x" onerror="alert(1)](http://img.example/a.png)', id="md-image-alt-breakout"),
    # Link titles trying to break out of their attribute
    pytest.param('[x](http://ok.example "a\\" onmouseover=\\"alert(1)")', id="title-double-quote"),
    pytest.param("[x](http://ok.example 'a\" onclick=\"alert(1)')", id="title-single-quoted"),
    pytest.param('[x](http://ok.example (a" autofocus onfocus="alert(1)))', id="title-parens"),
    pytest.param('[x](<http://ok.example/" onmouseover="alert(1)>)', id="quote-in-url"),
    # Unicode lookalikes
    pytest.param("[x](ｊａｖａｓｃｒｉｐｔ:alert(1))", id="fullwidth-scheme"),
    pytest.param("[x](\u0458avascript:alert(1))", id="cyrillic-je-scheme"),
    pytest.param("＜script＞alert(1)＜/script＞", id="fullwidth-angle-brackets"),
    pytest.param("\ufe64script\ufe65alert(1)\ufe64/script\ufe65", id="small-form-angle-brackets"),
    pytest.param("[\u202egnp.exe](http://ok.example)", id="bidi-override-in-link-text"),
]


def test_hostile_input_list_is_large_enough():
    assert len(HOSTILE_INPUTS) >= 40
    assert len({p.id for p in HOSTILE_INPUTS}) == len(HOSTILE_INPUTS)


@pytest.mark.parametrize("source", HOSTILE_INPUTS)
def test_hostile_input_renders_to_safe_html(source):
    html = render_markdown(source)
    assert safety_violations(html) == [], html


def test_safety_check_catches_what_it_claims():
    """The checker itself must flag each kind of violation, or the tests above prove nothing."""
    unsafe = {
        "<script>x</script>": "contains '<script'",
        "<iframe></iframe>": "tag <iframe> outside allowlist",
        '<p onclick="x">a</p>': "event handler onclick= on <p>",
        '<p style="x">a</p>': "style= on <p>",
        f'<a href="javascript:x" rel="{REL}" target="_blank">a</a>': "href 'javascript:x' is not",
        f'<a href="/x" rel="{REL}" target="_blank">a</a>': "href '/x' is not",
        "<a>a</a>": "<a> without href",
        '<a href="http://ok.example" target="_blank">a</a>': "<a> with rel=None",
        "<!-- x -->": "markup declaration",
    }
    for html, expected in unsafe.items():
        assert any(p.startswith(expected) for p in safety_violations(html)), html
    ok = f'<p><a href="https://ok.example/x" rel="{REL}" target="_blank">a</a></p>'
    assert safety_violations(ok) == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("[site](https://example.org/page)", id="markdown-link"),
        pytest.param("<https://example.org/page>", id="autolink"),
        pytest.param("<reader@example.org>", id="email-autolink"),
        pytest.param("[r]: http://example.org\n\n[see][r]", id="reference-link"),
        pytest.param("read https://example.org/a?b=1&c=2 today", id="bare-url"),
        pytest.param("read www.example.org today", id="bare-www"),
        pytest.param("**[bold link](http://example.org)**", id="link-in-strong"),
    ],
)
def test_every_link_gets_rel_and_opens_in_new_tab(source):
    links = parse(render_markdown(source)).links
    assert links
    for attrs in links:
        assert attrs["rel"] == REL
        assert attrs["target"] == "_blank"
        assert href_is_allowed(attrs["href"])


@pytest.mark.parametrize(
    ("source", "text"),
    [
        pytest.param("[click *here*](data:image/png;base64,iVBORw0KGgo=)", "click here", id="data"),
        pytest.param("[go](//evil.example)", "go", id="protocol-relative"),
        pytest.param("[go](/auth/logout)", "go", id="relative"),
        pytest.param("[call](tel:123)", "call", id="tel"),
        pytest.param("[file](ftp://example.org/f)", "file", id="ftp"),
        pytest.param("join irc://example.com/room", "join irc://example.com/room", id="bare-irc"),
    ],
)
def test_link_with_refused_href_is_unwrapped_to_its_text(source, text):
    parsed = parse(render_markdown(source))
    assert "a" not in parsed.names()
    assert "a" not in parsed.end_tags
    assert parsed.text.strip() == text


def test_bare_urls_become_links():
    html = render_markdown("see https://example.org/a?b=1&c=2 and www.example.com/x today")
    assert [a["href"] for a in parse(html).links] == [
        "https://example.org/a?b=1&c=2",
        "http://www.example.com/x",
    ]


def test_url_in_code_is_not_linkified():
    parsed = parse(render_markdown("`https://example.org`\n\n```\nhttps://example.org\n```"))
    assert parsed.links == []
    assert parsed.text.count("https://example.org") == 2


def test_bare_email_address_stays_text():
    parsed = parse(render_markdown("write to reader@example.org please"))
    assert parsed.links == []
    assert parsed.text.strip() == "write to reader@example.org please"


def test_text_of_a_script_tag_is_shown_as_escaped_text():
    html = render_markdown("<script>alert(document.cookie)</script>")
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in html
    parsed = parse(html)
    assert parsed.names() == ["p"]
    assert parsed.text == "<script>alert(document.cookie)</script>"


def test_raw_html_typed_by_a_reader_appears_as_text():
    source = "<b>bold</b> <i>it</i> <div>block</div> <span title=x>s</span>"
    parsed = parse(render_markdown(source))
    assert parsed.names() == ["p"]
    assert parsed.text == source


def test_url_inside_raw_html_text_is_only_linkified_as_text():
    source = '<a href="https://example.org">link</a>'
    parsed = parse(render_markdown(source))
    assert parsed.text == source
    assert [a["href"] for a in parsed.links] == ["https://example.org"]


def test_link_title_is_kept_as_an_attribute_value():
    (link,) = parse(render_markdown('[x](https://example.org "a \\" b")')).links
    assert link["title"] == 'a " b'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("one\n\ntwo", "<p>one</p>\n<p>two</p>", id="paragraphs"),
        pytest.param("one\ntwo", "<p>one<br>\ntwo</p>", id="line-break"),
        pytest.param(
            "*em* **strong**", "<p><em>em</em> <strong>strong</strong></p>", id="emphasis"
        ),
        pytest.param("~~gone~~", "<p><s>gone</s></p>", id="strikethrough"),
        pytest.param("use `a < b`", "<p>use <code>a &lt; b</code></p>", id="inline-code"),
        pytest.param(
            "```python\nx = 1 < 2\n```", "<pre><code>x = 1 &lt; 2\n</code></pre>", id="code-block"
        ),
        pytest.param("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>", id="blockquote"),
        pytest.param("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", id="bullet-list"),
        pytest.param("3. c\n4. d", '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>', id="ordered"),
        pytest.param(
            "[Parley](https://example.org/p?a=1&b=2)",
            f'<p><a href="https://example.org/p?a=1&amp;b=2" rel="{REL}" target="_blank">'
            "Parley</a></p>",
            id="link",
        ),
        pytest.param(
            "<mailto:desk@example.org>",
            f'<p><a href="mailto:desk@example.org" rel="{REL}" target="_blank">'
            "mailto:desk@example.org</a></p>",
            id="mailto-autolink",
        ),
    ],
)
def test_allowed_formatting_is_rendered(source, expected):
    assert render_markdown(source) == expected


def test_markup_outside_the_comment_allowlist_stays_as_typed():
    parsed = parse(render_markdown("# Title\n\n![alt](https://example.org/a.png)\n\n---"))
    assert set(parsed.names()) <= {"p", "a"}
    assert "# Title" in parsed.text
    assert "---" in parsed.text


def test_plain_text_is_the_visible_text():
    html = render_markdown("**Tom & Jerry** say <hi>\n\n- [one](https://example.org)")
    assert plain_text(html).split() == ["Tom", "&", "Jerry", "say", "<hi>", "one"]


@pytest.mark.parametrize(
    "char",
    [
        pytest.param("\u202e", id="right-to-left-override"),
        pytest.param("\u202d", id="left-to-right-override"),
        pytest.param("\u2066", id="left-to-right-isolate"),
        pytest.param("\u2069", id="pop-directional-isolate"),
        pytest.param("\u200f", id="right-to-left-mark"),
        pytest.param("\u200b", id="zero-width-space"),
        pytest.param("\u2060", id="word-joiner"),
        pytest.param("\ufeff", id="byte-order-mark"),
        pytest.param("\x00", id="nul"),
        pytest.param("\x07", id="bell"),
        pytest.param("\x1b", id="escape"),
        pytest.param("\x7f", id="delete"),
        pytest.param("\x85", id="c1-next-line"),
    ],
)
def test_normalize_text_drops_invisible_and_control_characters(char):
    assert normalize_text(f"ad{char}min{char}") == "admin"


def test_normalize_text_keeps_joiners_that_emoji_and_scripts_need():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert normalize_text(family) == family
    assert normalize_text(persian) == persian


def test_normalize_text_keeps_newlines_and_tabs():
    assert normalize_text("a\tb\nc\r\nd\re") == "a\tb\nc\nd\ne"


def test_normalize_text_composes_lookalike_sequences():
    assert normalize_text("cafe\u0301") == "caf\u00e9"


# Pieces an attacker would combine: tag names, attribute syntax, schemes, Markdown punctuation.
# fmt: off
FRAGMENTS = [
    "<", ">", "</", "/>", '"', "'", "`", "=", " ", "\n", "\n\n", "\t", "&", "&#", "&#x", ";",
    "script", "img", "svg", "iframe", "a", "style", "href", "src", "on", "onerror", "onload",
    "javascript:", "JaVaScRiPt:", "vbscript:", "data:", "data:text/html,", "java\tscript:",
    "&#106;", "&#x6A;", "&colon;", "alert(1)", "http://", "https://", "mailto:", "//",
    "example.com", "www.", "[", "]", "(", ")", "![", "]:", "*", "**", "_", "~~", "#", "- ",
    "1. ", "```", "    ", "\\", "<!--", "-->", "<![CDATA[", "]]>", "\u202e", "\u200b", "ｊ",
    "/", "?", "1", "tel:", "irc://", "ftp://",
]
# fmt: on
fragment = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3))
fragments = st.lists(fragment, max_size=6).map("".join)
# Link syntax with hostile parts, so destinations reach the link rules and not only the text.
markdown_link = st.one_of(
    st.builds("[{}]({} {})".format, fragments, fragments, fragments),
    st.builds("<{}>".format, fragments),
    st.builds("[{0}]: {1}\n\n[{0}]".format, fragments, fragments),
)
hostile_text = st.lists(st.one_of(fragment, markdown_link), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(source=st.text(max_size=300))
def test_arbitrary_text_never_yields_unsafe_html(source):
    assert safety_violations(render_markdown(source)) == []


@settings(max_examples=300, deadline=None, database=None)
@given(source=hostile_text)
def test_html_like_fragments_never_yield_unsafe_html(source):
    assert safety_violations(render_markdown(source)) == []
