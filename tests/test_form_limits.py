"""Forms cut their fields with app/limits.py's numbers: no template writes a limit itself."""

from __future__ import annotations

import re
from pathlib import Path

from app import limits
from tests.dashboard_support import signed_in

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
WRITTEN_NUMBER = re.compile(r'\b(?:maxlength|minlength|max)="\d+"')


def test_no_template_writes_a_limit_as_a_number():
    written = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in WRITTEN_NUMBER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert written == []


def test_the_search_form_takes_its_limits_from_the_search(app, world, monkeypatch):
    client = signed_in(app, "mod@example.org")
    html = client.get("/moderation/search").get_data(as_text=True)
    for name in ("q", "author", "article"):
        assert f'name="{name}" maxlength="{limits.SEARCH_TEXT_MAX}"' in html, name
    monkeypatch.setattr(limits, "SEARCH_TEXT_MAX", 123)
    html = client.get("/moderation/search").get_data(as_text=True)
    assert html.count('maxlength="123"') == 3


def test_the_frame_form_takes_its_limits_from_the_comment_rules(client, world):
    html = client.get("/embed/thread?site=other&article=limits").get_data(as_text=True)
    assert f'name="body" rows="3" maxlength="{limits.BODY_MAX}"' in html
    assert f'name="author_name" maxlength="{limits.AUTHOR_NAME_MAX}"' in html
    assert f'type="email" maxlength="{limits.EMAIL_MAX}"' in html
    assert f'name="note" maxlength="{limits.REPORT_NOTE_MAX}"' in html
