"""sanitize_html: the HTML path of the one sanitizer, for comments imported from systems that
stored HTML (Disqus, WordPress, Remark42)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sanitize import sanitize_html
from tests.test_sanitize import HOSTILE_INPUTS, REL, safety_violations

HOSTILE_HTML = [
    '<p>hi<script>alert("x")</script></p>',
    '<img src="x" onerror="alert(1)">',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style><p>text</p>",
    '<svg onload="alert(1)"><circle/></svg>',
    '<a href="javascript:alert(1)">js</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<a href="/relative">relative</a>',
    '<a href="https://ok.example/" onclick="x()" style="color:red">ok</a>',
    '<p style="position:fixed" class="x" id="y">styled</p>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="pw"></form>',
    "<!-- <script>alert(1)</script> --><p>after a comment</p>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    "<textarea><script>alert(1)</script></textarea>",
    '<b onmouseover="alert(1)">bold</b> and <i>italic</i>',
]


@pytest.mark.parametrize("source", HOSTILE_HTML + [p.values[0] for p in HOSTILE_INPUTS])
def test_hostile_html_comes_out_harmless(source):
    html = sanitize_html(source)
    assert safety_violations(html) == [], html


def test_scripts_and_styles_are_dropped_with_their_content():
    html = sanitize_html('<p>kept<script>alert("gone")</script><style>p{}</style></p>')
    assert html == "<p>kept</p>"


def test_presentational_tags_become_their_allowed_synonyms():
    assert sanitize_html("<b>x</b> <i>y</i> <strike>z</strike>") == (
        "<strong>x</strong> <em>y</em> <s>z</s>"
    )


def test_links_are_hardened_like_markdown_links():
    html = sanitize_html('<p>see <a href="https://ok.example/a" rel="dofollow">this</a></p>')
    assert html == (
        f'<p>see <a href="https://ok.example/a" rel="{REL}" target="_blank">this</a></p>'
    )
    assert sanitize_html("visit https://example.com/b") == (
        f'visit <a href="https://example.com/b" rel="{REL}" target="_blank">'
        "https://example.com/b</a>"
    )


LINKLESS = st.lists(
    st.sampled_from(
        list("abc xyz,!?'\"\n")
        + ["<p>two words</p>", "<b>bold</b>", "<i>it</i>", "<br>", "&amp;", "<span>s</span>"]
    )
).map("".join)


@settings(max_examples=200, deadline=None, database=None)
@given(LINKLESS)
def test_text_without_links_cleans_the_same_with_or_without_linkify(text):
    """The fast path (no linkify) gives what the full path gives: a trailing ':' paragraph
    forces the full path without touching what comes before it."""
    full = sanitize_html(f"{text}<p>:</p>")
    assert full.endswith("<p>:</p>")
    assert sanitize_html(text) == full[: -len("<p>:</p>")].strip()
