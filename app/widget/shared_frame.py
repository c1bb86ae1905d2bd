"""The thread frame every guest shares: rendered once per article version and query, kept in
the shared cache (app.shared_cache: Redis, or in this process) compressed for each encoding.

What belongs to one reader is not in it: no CSRF token, no pending comment, vote, reaction,
report or edit window. ``frame.js`` asks for those in one private request
(``/embed/thread/state``, app.widget.reader_state) and applies them. Readers signed in to an
account still get a page rendered for them (app.widget.frame): their name, form and sign-out
control are in the page itself.

The key carries the thread's stamp (the article's version, bumped in the same transaction as
every change readers can see, and its closing by age), the query string (every option the
page reads, including the host's title, URL and origin), the public base URL and the frame's
asset versions, so an entry is never stale, only no longer asked for. The same key is the
weak ``ETag``: a matching ``If-None-Match`` gets 304.

The page's one inline ``<style>`` (the publisher's accent colour) carries a nonce made when the
entry is rendered and stored with it, with the Content-Security-Policy naming it: the nonce
changes with each new version and each expiry, and it can only ever allow a style (scripts come
from Parley's origin only). The response stays ``no-store``: it sets the reader's guest cookie.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import orjson
from flask import Response, request
from flask_wtf.csrf import generate_csrf

from app import PROJECT_ROOT, i18n
from app.compression import pack, wanted_encoding
from app.services.identity import Viewer
from app.services.thread_stamps import thread_stamp
from app.sessions import ensure_guest_id
from app.shared_cache import cached
from app.web.caching import make_tag, not_modified
from app.web.serializers import public_base_url
from app.web.viewer import current_viewer
from app.widget import bp
from app.widget.assets import asset
from app.widget.frame import (
    FRAME_ASSETS,
    FrameOptions,
    load_page,
    page_response,
    read_options,
    render_frame,
)

I18N_DIR = Path(i18n.__file__).parent
ANYONE = Viewer()  # no account, no guest id: what every guest shares
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "strict-origin-when-cross-origin"}


@cache
def code_version() -> str:
    """A digest of what renders the page (the frame's templates, the string catalogues): a
    deploy that changes them starts new entries, while processes still on the old code keep
    their own."""
    paths = [
        *sorted((PROJECT_ROOT / "templates" / "widget").glob("*.html")),
        PROJECT_ROOT / "templates" / "_macros.html",
        *sorted(I18N_DIR.glob("*.py")),
    ]
    digest = hashlib.blake2b(digest_size=8)
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def frame_tag(options: FrameOptions) -> str:
    """The shared page's key and ETag. Raises NotFound(unknown_site)."""
    stamp = thread_stamp(options.site, options.article)
    versions = [asset(name).version for name in FRAME_ASSETS]
    query = request.query_string.decode("utf-8", "replace")
    return make_tag(
        "frame", stamp.tag(), query, options, public_base_url(), code_version(), *versions
    )


def shared_thread_page(options: FrameOptions) -> Response:
    """304, or the shared page from the cache (rendered and stored on a miss)."""
    tag = frame_tag(options)
    unchanged = not_modified(tag, HEADERS)
    if unchanged is not None:
        return unchanged
    encoding = wanted_encoding()

    def build() -> bytes:
        html, policy = render_frame(options, load_page(options, ANYONE), ANYONE)
        used, body = pack(html.encode(), encoding)
        return orjson.dumps({"csp": policy, "encoding": used}) + b"\n" + body

    stored = cached(f"{tag}:{encoding or 'identity'}", build)
    head, _, body = stored.partition(b"\n")
    meta = orjson.loads(head)
    response = Response(body, mimetype="text/html", headers=HEADERS)
    response.headers["Content-Security-Policy"] = meta["csp"]
    if meta["encoding"]:
        response.headers["Content-Encoding"] = meta["encoding"]
    response.vary.add("Accept-Encoding")
    response.set_etag(tag, weak=True)
    return response


@bp.get("/embed/thread")
def show_thread() -> Response:
    """The thread page inside the iframe (app.widget.frame says how it is secured): for guests
    the shared page, for a reader signed in to an account a page of their own."""
    options = read_options()
    ensure_guest_id()
    # The session's CSRF secret goes in the cookie this page sets, though the token itself comes
    # with the reader's state: the frame's other requests (its scripts, styles) return the
    # cookie they were sent, and one answered after the state request must not drop the secret.
    generate_csrf()
    viewer = current_viewer()
    if viewer.user is None:
        return shared_thread_page(options)
    html, policy = render_frame(options, load_page(options, viewer), viewer)
    return page_response(html, policy)
