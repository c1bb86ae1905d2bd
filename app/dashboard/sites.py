"""A site's articles (counts, close/reopen, per-article premod) and its settings (moderators of
the site read them; admins change them)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from app.dashboard import bp, staff_member
from app.dashboard.forms import back_to, cursor_arg, form_choice, form_text
from app.dashboard.pages import render_page
from app.dashboard.queues import next_page_url
from app.limits import ARTICLE_KEY_MAX, SETTING_TEXT_MAX
from app.services import articles
from app.services.errors import ValidationError
from app.services.permissions import may_change_settings
from app.services.site_settings import (
    COLUMN_SETTINGS,
    SETTINGS,
    site_settings_for,
    update_site_settings,
)
from app.services.sites import get_site
from app.services.toxicity_settings import RECOMMENDED

ARTICLE_ACTIONS = ("close", "reopen", "premod_on", "premod_off", "premod_site")
LIST_SETTINGS = frozenset(
    name for name, setting in SETTINGS.items() if isinstance(setting.default, list)
)
# Free text and URLs (the other scalar settings are numbers, or a threshold: "off" or 0..1).
TEXT_SETTINGS = frozenset(
    name for name, setting in SETTINGS.items() if isinstance(setting.default, str)
) - {"banned_words_action", *RECOMMENDED}
BOOL_SETTINGS = frozenset(
    name
    for name, setting in {**SETTINGS, **COLUMN_SETTINGS}.items()
    if isinstance(setting.default, bool)
)


@bp.get("/sites/<site_slug>/articles")
def list_articles(site_slug: str) -> str:
    page = articles.list_articles(staff_member(), site_slug, cursor=cursor_arg())
    return render_page(
        "dashboard/articles.html",
        site_slug=site_slug,
        title="Articles",
        page=page,
        next_url=next_page_url(page.next_cursor),
    )


@bp.post("/sites/<site_slug>/articles")
def update_article(site_slug: str) -> Response:
    """Close or reopen one article, or set its pre-moderation (on, off, as the site)."""
    action = form_choice("action", ARTICLE_ACTIONS)
    key = form_text("article", ARTICLE_KEY_MAX)
    destination = back_to("dashboard.list_articles", site_slug=site_slug)
    if action in ("close", "reopen"):
        article = articles.set_article_closed(staff_member(), site_slug, key, action == "close")
        state = "closed" if article.closed else "open"
        flash(f"Comments on {article.title or article.key} are {state}.")
    else:
        premod = {"premod_on": True, "premod_off": False, "premod_site": None}[action]
        article = articles.set_article_premod(staff_member(), site_slug, key, premod)
        state = {True: "on", False: "off", None: "as the site decides"}[premod]
        flash(f"Pre-moderation of {article.title or article.key}: {state}.")
    return redirect(destination, 303)


@bp.get("/sites/<site_slug>/settings")
def edit_settings(site_slug: str) -> str:
    """The site's settings: a form for admins, the same values read-only for its moderators."""
    return _settings_page(site_slug)


def _settings_page(
    site_slug: str, typed: dict[str, Any] | None = None, error: ValidationError | None = None
) -> str:
    """The settings page: the stored values, or what was typed with the error beside its field."""
    user = staff_member()
    values = site_settings_for(user, site_slug)
    return render_page(
        "dashboard/settings.html",
        site_slug=site_slug,
        title="Settings",
        site=get_site(site_slug),
        values={**values, **(typed or {})},
        error=error,
        settings={**COLUMN_SETTINGS, **SETTINGS},
        list_settings=LIST_SETTINGS,
        bool_settings=BOOL_SETTINGS,
        editable=may_change_settings(user),
        text_settings=TEXT_SETTINGS,
        recommended=RECOMMENDED,
    )


def _settings_form() -> dict[str, Any]:
    """Every setting from the form, as the service expects it (it validates the values)."""
    changes: dict[str, Any] = {}
    for name in {**COLUMN_SETTINGS, **SETTINGS}:
        if name in BOOL_SETTINGS:
            changes[name] = request.form.get(name) == "on"
            continue
        value = form_text(name, SETTING_TEXT_MAX)
        if value is None and name in SETTINGS and SETTINGS[name].choices:
            continue  # a form from before this setting existed: keep the stored value
        if name in LIST_SETTINGS:
            changes[name] = value.splitlines() if value else []
        else:
            changes[name] = value  # None for an empty field: "no limit" where that is allowed
    return changes


@bp.post("/sites/<site_slug>/settings")
def save_settings(site_slug: str) -> Response | tuple[str, int]:
    typed = _settings_form()
    try:
        update_site_settings(staff_member(), site_slug, typed)
    except ValidationError as error:
        if error.field is None:
            raise
        # Nothing was stored: the form comes back as typed, the message beside the field.
        return _settings_page(site_slug, typed, error), 400
    flash("Settings saved.")
    return redirect(url_for("dashboard.edit_settings", site_slug=site_slug), 303)
