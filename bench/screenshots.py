"""Screenshots of the demo article's comments, light and dark, for the README and docs/.

    .venv/bin/python -m bench.screenshots      # writes docs/screenshots/widget-{light,dark}.png

Serves the real app (demo mode, a throwaway SQLite database) on one port: the demo article at
http://127.0.0.1:PORT/ embeds the widget from http://localhost:PORT/, cross-site as in
``make run``. The thread is filled through Parley's services: guests, a moderator's reply,
a featured comment, votes and reactions. Emoji need a colour emoji font
(``apt-get install -y fonts-noto-color-emoji``); readers' systems have one.
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
from pathlib import Path

from flask_migrate import upgrade
from PIL import Image
from werkzeug.serving import make_server

from app import create_app
from app.demo import DEMO_ARTICLE, DEMO_SITE
from app.extensions import db
from app.models import Role
from app.services.comments import post_comment
from app.services.identity import Viewer
from app.services.moderation.actions import moderate_comment
from app.services.reactions import react
from app.services.sites import create_site
from app.services.users import create_user
from app.services.votes import vote
from bench.report import PROJECT_ROOT

OUT = PROJECT_ROOT / "docs" / "screenshots"
THREAD = [
    # (author, body, index of the parent in this list or None)
    (
        "Hana Sato",
        "Watched from the bridge: the flares drifting over the river were eerie, "
        "but the warning text the day before made it far less alarming.",
        None,
    ),
    (
        "Ben Okafor",
        "Does anyone know **why** the drill ran past midnight? Some of us start work at six.",
        None,
    ),
    (
        "Mara Lindqvist",
        "The ministry says the late hours were the point: crews rotate through "
        "night shifts. More in their [statement](https://news.example/statement).",
        1,
    ),
    ("Ben Okafor", "Fair enough, thanks for the link.", 2),
    (
        "Elif Yilmaz",
        "> Every second we save is a second the city gets back.\n\n"
        "Best line of the piece. I'd like a follow-up on what the spring exercise changes.",
        None,
    ),
]


def seed(app, port: int) -> None:
    with app.app_context():
        create_site(DEMO_SITE, "The Daily Parley", [f"http://127.0.0.1:{port}"])
        editor = create_user(
            "mara@demo.parley.local", "Mara Lindqvist", "demo-pass-1234", Role.MODERATOR
        )
        ids: list[int] = []
        for n, (name, body, parent) in enumerate(THREAD):
            is_editor = name == editor.name
            viewer = Viewer(user=editor) if is_editor else Viewer(ip=f"10.9.0.{n + 1}")
            comment = post_comment(
                site_slug=DEMO_SITE,
                article_key=DEMO_ARTICLE,
                body=body,
                viewer=viewer,
                author_name=None if is_editor else name,
                parent_id=ids[parent] if parent is not None else None,
            )
            ids.append(comment.id)
        moderate_comment(ids[4], "feature", editor)
        for n in range(7):
            reader = Viewer(ip=f"10.9.1.{n + 1}")
            vote(ids[n % 2 * 4], 1, reader)
            react(
                site_slug=DEMO_SITE,
                article_key=DEMO_ARTICLE,
                kind=("like", "wow", "like", "sad", "love", "like", "wow")[n],
                viewer=reader,
            )
        db.session.remove()


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="parley-shots-") as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'demo.sqlite3'}",
                "SECRET_KEY": "screenshots",
                "RATELIMIT_ENABLED": False,
                "PARLEY_DEMO": True,
            }
        )
        with app.app_context():
            upgrade()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        port = server.server_port
        seed(app, port)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        OUT.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for scheme in ("light", "dark"):
                    page = browser.new_page(
                        viewport={"width": 760, "height": 900}, color_scheme=scheme
                    )
                    page.goto(f"http://127.0.0.1:{port}/")
                    frame = page.frame_locator("#parley-thread iframe")
                    frame.locator("li.c").first.wait_for()
                    page.wait_for_function(
                        "document.querySelector('#parley-thread iframe').offsetHeight > 600"
                    )
                    # The end of the article and its comments; in dark, the frame alone (the
                    # demo page itself has no dark style).
                    target = "section.comments" if scheme == "light" else "#parley-thread"
                    # Chromium does not paint a cross-site frame far out of the viewport.
                    page.locator(target).scroll_into_view_if_needed()
                    page.wait_for_timeout(300)
                    box = page.locator(target).bounding_box()
                    scroll = page.evaluate("scrollY")
                    margin = 160 if scheme == "light" else 0
                    top = box["y"] + scroll - margin
                    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
                    area = (box["x"], top, box["x"] + box["width"], top + box["height"] + margin)
                    shot.crop(tuple(round(v) for v in area)).save(OUT / f"widget-{scheme}.png")
                    page.close()
                browser.close()
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()
    print(f"wrote {OUT / 'widget-light.png'} and {OUT / 'widget-dark.png'}")


if __name__ == "__main__":
    main()
