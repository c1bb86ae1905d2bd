"""The thread frame: ``/embed/thread``, the page embed.js puts in an iframe on the publisher's page.

It is rendered on the server from the same service as the JSON API (``load_thread``), so a
reader sees the thread before any script runs; ``frame.js`` then adds posting, replies, votes,
reactions, reports, edits, sorting and "Load more" by calling the JSON API. Guests all get
one page, cached (app.widget.shared_frame), and their own state in one private request
(app.widget.reader_state); a reader signed in to an account gets a page rendered for them.

Security:
* Content-Security-Policy: scripts only from Parley's origin (no inline script at all), one
  nonce'd inline ``<style>`` for the publisher's accent colour, and ``frame-ancestors`` limited
  to the site's registered origins plus Parley's own (the demo page is served from it too).
  Images may also come from any https URL: publishers' SSO readers bring their own avatars.
* The publisher's page origin arrives as ``origin``; it is used as the frame's postMessage target
  only when it is one of the site's origins, so nothing is ever posted to another page.
* Query parameters that reach the page (title, url, accent, theme, lang) are validated or
  autoescaped; the only HTML marked safe is the sanitizer's stored comment HTML.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Response, current_app, render_template, request

from app.i18n import Catalogue, catalogue
from app.limits import ARTICLE_TITLE_MAX, ARTICLE_URL_MAX
from app.models import ReactionKind, ReportReason, Site, utcnow
from app.services.articles import clean_article_key, fit_article_key, shorten_title
from app.services.comment_rows import CommentNode
from app.services.editing import editable_until
from app.services.errors import ValidationError
from app.services.identity import Viewer
from app.services.reply_pages import ReplyPage
from app.services.threads import SORTS, ThreadPage, load_thread
from app.services.viewer_state import ViewerState, load_viewer_state, node_ids
from app.web.serializers import iso, public_base_url, viewer_json
from app.web.viewer import current_viewer
from app.widget import bp
from app.widget.assets import asset

THEMES = ("auto", "light", "dark")
# The thread page's scripts, in the order they run, and every file it loads.
FRAME_SCRIPTS = ("frame.js", "identity.js", "nudge.js", "live.js")
FRAME_ASSETS = ("frame.css", *FRAME_SCRIPTS)
ACCENT_RE = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")  # used with fullmatch
TEXT_PARAM_MAX = 2048
# Replies indent this many levels; deeper ones continue flat, marked "in reply to NAME".
MAX_INDENT = 3
REACTION_EMOJI = {"like": "👍", "love": "❤️", "haha": "😂", "wow": "😮", "sad": "😢", "angry": "😠"}
# Strings frame.js needs (the rest are rendered into the page).
SCRIPT_STRINGS = (
    "nudge_heading",
    "nudge_guidelines_link",
    "nudge_edit",
    "nudge_post_anyway",
    "comment_count",
    "posting",
    "submit",
    "reply_submit",
    "cancel",
    "posted",
    "awaiting",
    "updated",
    "deleted",
    "just_now",
    "in_reply_to",
    "reported",
    "loading",
    "load_more",
    "error",
    "permalink",
    "reply_to",
    "new_comments",
    "minutes_ago",
    "hours_ago",
    "days_ago",
)


@dataclass(frozen=True, slots=True)
class FrameOptions:
    site: str
    article: str
    title: str | None
    url: str | None
    lang: str
    theme: str
    accent: str | None
    sort: str
    host_origin: str | None  # claimed by embed.js; trusted only once checked against the site


def _text_arg(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value[:TEXT_PARAM_MAX] or None


def read_options() -> FrameOptions:
    """The frame's query parameters, validated; ValidationError for a missing site or article."""
    site = request.args.get("site") or ""
    if not site:
        raise ValidationError("the site query parameter is required", "invalid_site")
    # What the host page sends (its title, URL, and its URL as the article key when the
    # publisher gives none) is made to fit, never a reason to refuse the reader: a title is
    # shortened, a key shortened with a hash, and a URL too long to keep is left out.
    url = (request.args.get("url") or "").strip() or None
    if url and (len(url) > ARTICLE_URL_MAX or not url.lower().startswith(("http://", "https://"))):
        url = None
    theme = request.args.get("theme") or "auto"
    accent = request.args.get("accent") or ""
    sort = request.args.get("sort") or "oldest"
    return FrameOptions(
        site=site,
        article=clean_article_key(fit_article_key(request.args.get("article"))),
        title=shorten_title(_text_arg("title"), ARTICLE_TITLE_MAX),
        url=url,
        lang=catalogue(request.args.get("lang")).language,
        theme=theme if theme in THEMES else "auto",
        accent=accent if ACCENT_RE.fullmatch(accent) else None,
        sort=sort if sort in SORTS else "oldest",
        host_origin=_text_arg("origin"),
    )


def script_strings(t: Catalogue) -> dict[str, Any]:
    """The strings frame.js shows: SCRIPT_STRINGS and every API error explanation (err_*)."""
    errors = [key for key in t.strings if key.startswith("err_")]
    return t.subset([*SCRIPT_STRINGS, *errors])


def allowed_host(site: Site, claimed: str | None) -> str | None:
    """The page origin to post messages to: the claimed one if the site allows it, else None."""
    if claimed and (claimed in site.origins or claimed == public_base_url()):
        return claimed
    return None


def on_accent(accent: str) -> str:
    """Black or white, whichever reads better on the accent colour (WCAG relative luminance)."""
    digits = accent[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    channels = []
    for i in (0, 2, 4):
        c = int(digits[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    # Contrast with white is 1.05/(L+0.05); with black (L+0.05)/0.05: pick the larger.
    return "#000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#fff"


def relative_time(moment: datetime, t: Catalogue, now: datetime | None = None) -> str:
    seconds = ((now or utcnow()) - moment).total_seconds()
    if seconds < 60:
        return t("just_now")
    if seconds < 3600:
        return t.plural("minutes_ago", int(seconds // 60))
    if seconds < 86400:
        return t.plural("hours_ago", int(seconds // 3600))
    if seconds < 30 * 86400:
        return t.plural("days_ago", int(seconds // 86400))
    return f"{moment:%Y-%m-%d}"


def exact_time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def content_security_policy(site: Site, nonce: str) -> str:
    ancestors = " ".join([*site.origins, "'self'"])
    return (
        "default-src 'none'; script-src 'self'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data: https:; connect-src 'self'; "
        f"form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )


def frame_response(html: str, site: Site, nonce: str) -> Response:
    return page_response(html, content_security_policy(site, nonce))


def page_response(html: str, policy: str) -> Response:
    """A page of the frame under its Content-Security-Policy."""
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = policy
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    # Per reader (their pending comments, their votes, a CSRF token): never cached.
    response.headers["Cache-Control"] = "no-store"
    return response


def template_context(
    options: FrameOptions,
    page: ThreadPage | ReplyPage,
    viewer: Viewer,
    state: ViewerState | None = None,
) -> dict[str, Any]:
    """What the frame's templates read: the page, the viewer's own state (loaded unless given),
    strings and helpers."""
    t = catalogue(options.lang)
    if state is None:
        article_id = page.article.id if isinstance(page, ThreadPage) else page.article_id
        state = load_viewer_state(article_id, node_ids(page.comments), viewer)
    window = current_app.config["PARLEY_EDIT_WINDOW_SECONDS"]
    base = options.url or ""

    def until(node: CommentNode) -> str | None:
        if not node.own or node.status == "deleted":
            return None
        return iso(editable_until(node.created_at, window))

    return {
        "options": options,
        "page": page,
        "t": t,
        "viewer": viewer_json(viewer, state, public_base_url()),
        "votes": state.votes,
        "reported": state.reported,
        "until": until,
        "permalink": lambda comment_id: f"{base}#parley-comment-{comment_id}",
        "max_indent": MAX_INDENT,
        "reaction_kinds": [kind.value for kind in ReactionKind],
        "emoji": REACTION_EMOJI,
        "report_reasons": [reason.value for reason in ReportReason],
        "sorts": SORTS,
        "ago": lambda moment: relative_time(moment, t),
        "exact": exact_time,
        "asset_version": lambda name: asset(name).version,
    }


def load_page(options: FrameOptions, viewer: Viewer, cursor: str | None = None) -> ThreadPage:
    return load_thread(
        options.site,
        options.article,
        viewer,
        sort=options.sort,
        limit=current_app.config["PARLEY_PAGE_SIZE"],
        cursor=cursor,
        replies=current_app.config["PARLEY_REPLY_PREVIEW"],
    )


def render_frame(options: FrameOptions, page: ThreadPage, viewer: Viewer) -> tuple[str, str]:
    """The frame page as ``viewer`` sees it, and its Content-Security-Policy (naming the nonce
    of its one inline style). For the anonymous viewer it is the page every guest shares
    (app.widget.shared_frame): no CSRF token, and ``shared`` tells frame.js to fetch the
    reader's own state."""
    shared = viewer.user is None and viewer.guest_key is None
    nonce = secrets.token_urlsafe(16)
    context = template_context(options, page, viewer)
    html = render_template(
        "widget/frame.html",
        **context,
        shared=shared,
        scripts=FRAME_SCRIPTS,
        nonce=nonce,
        on_accent=on_accent(options.accent) if options.accent else None,
        config={
            "site": options.site,
            "article": options.article,
            "title": options.title,
            "url": options.url,
            "lang": options.lang,
            "sort": options.sort,
            "host": allowed_host(page.site, options.host_origin),
            "maxIndent": MAX_INDENT,
            "strings": script_strings(context["t"]),
            "shared": shared,
        },
    )
    return html, content_security_policy(page.site, nonce)


@bp.get("/embed/thread/comments")
def show_more_comments() -> Response:
    """A page of comments (for "Load more" and sorting), rendered like the frame's own list."""
    options = read_options()
    viewer = current_viewer()
    page = load_page(options, viewer, request.args.get("cursor") or None)
    html = render_template("widget/comments.html", **template_context(options, page, viewer))
    return frame_response(html, page.site, secrets.token_urlsafe(16))
