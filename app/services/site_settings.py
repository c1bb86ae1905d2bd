"""Per-site moderation settings: the schema, its defaults, validation, and admin updates.

``Site.settings`` (a JSON column) stores only what an admin changed; ``effective_settings``
merges it over ``DEFAULTS`` so every reader of a setting gets a valid value, even for sites
created before a setting existed. ``update_site_settings`` is the one writer: it validates every
value (a bad one is a ValidationError naming the setting, and nothing is stored), audits the
change, and commits. Two settings are columns of ``sites`` rather than JSON keys (``premod``,
``allow_guests``); the same function updates them.

Rules whose defaults would surprise a publisher on day one (duplicate text, first comments of
new authors, a per-site posting rate) are off by default; docs/moderation.md suggests values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from app.extensions import db
from app.limits import (
    GUIDELINES_MAX,
    REASON_LIST_MAX,
    REASON_MAX,
    SETTING_RANGES,
    WORD_LIST_MAX,
    WORD_MAX,
)
from app.models import Article, Site, User, utcnow
from app.sanitize import normalize_text
from app.services import audit
from app.services.errors import ValidationError
from app.services.freshness import touch_articles_of
from app.services.permissions import moderated_site, require_admin
from app.services.sites import get_site
from app.services.toxicity_settings import (
    RECOMMENDED,
    clean_threshold,
    http_url,
    plain_text,
)


@dataclass(frozen=True, slots=True)
class Setting:
    default: Any
    clean: Callable[[str, Any], Any]
    help: str

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The allowed values of a one-of-several setting (forms show them), else None."""
        return getattr(self.clean, "choices", None)


def _int_between(low: int, high: int, *, nullable: bool = False) -> Callable[[str, Any], Any]:
    def clean(name: str, value: Any) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            empty = " or empty" if nullable else ""
            raise ValidationError(
                f"{name} must be a whole number from {low} to {high}{empty}",
                "invalid_setting",
                field=name,
            )
        return value

    return clean


def _boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{name} must be true or false", "invalid_setting", field=name)
    return value


def _choice(*choices: str) -> Callable[[str, Any], str]:
    def clean(name: str, value: Any) -> str:
        if value not in choices:
            raise ValidationError(
                f"{name} must be one of {', '.join(choices)}", "invalid_setting", field=name
            )
        return value

    clean.choices = choices  # type: ignore[attr-defined]
    return clean


def _text_list(limit: int, item_max: int) -> Callable[[str, Any], list[str]]:
    """A list of distinct non-empty strings; a string is split on newlines (a textarea)."""

    def clean(name: str, value: Any) -> list[str]:
        if isinstance(value, str):
            value = value.split("\n")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(
                f"{name} must be a list of strings", "invalid_setting", field=name
            )
        items = [" ".join(normalize_text(v).split()) for v in value]
        items = list(dict.fromkeys(v for v in items if v))
        if len(items) > limit:
            raise ValidationError(
                f"{name} may hold at most {limit} entries", "invalid_setting", field=name
            )
        for item in items:
            if len(item) > item_max:
                raise ValidationError(
                    f"each entry of {name} must be at most {item_max} characters "
                    f"({item[:20]!r}... is longer)",
                    "invalid_setting",
                    field=name,
                )
        return items

    return clean


SETTINGS: dict[str, Setting] = {
    "banned_words": Setting(
        [],
        _text_list(WORD_LIST_MAX, WORD_MAX),
        "Words or phrases that are never published (matched on word boundaries, "
        "ignoring case, accents and look-alike characters).",
    ),
    "banned_words_action": Setting(
        "reject", _choice("reject", "spam"), "What a banned word does: reject or spam."
    ),
    "suspect_words": Setting(
        [], _text_list(WORD_LIST_MAX, WORD_MAX), "Words or phrases that hold a comment for review."
    ),
    "max_links": Setting(
        3,
        _int_between(*SETTING_RANGES["max_links"], nullable=True),
        "A comment with more links than this is held for review (empty: no limit).",
    ),
    "new_author_comments": Setting(
        0,
        _int_between(*SETTING_RANGES["new_author_comments"]),
        "The first N comments of a new account or guest are held for review (0: off).",
    ),
    "duplicate_window_minutes": Setting(
        0,
        _int_between(*SETTING_RANGES["duplicate_window_minutes"]),
        "The same text posted again by the same author within this many minutes is spam (0: off).",
    ),
    "hold_shouting": Setting(
        True,
        _boolean,
        "Hold comments written in capitals or made mostly of symbols, digits or emoji.",
    ),
    "rate_limit_posts": Setting(
        0,
        _int_between(*SETTING_RANGES["rate_limit_posts"]),
        "At most this many comments per author or IP address within rate_limit_seconds "
        "(0: off; the service-wide PARLEY_POST_RATE limit applies regardless).",
    ),
    "rate_limit_seconds": Setting(
        60, _int_between(*SETTING_RANGES["rate_limit_seconds"]), "The window of rate_limit_posts."
    ),
    "report_threshold": Setting(
        3,
        _int_between(*SETTING_RANGES["report_threshold"]),
        "A published comment reported by this many distinct readers is hidden pending review.",
    ),
    "reject_reasons": Setting(
        ["Off topic", "Abusive or hateful", "Spam or advertising", "Personal information"],
        _text_list(REASON_LIST_MAX, REASON_MAX),
        "Reasons moderators pick from when rejecting (free text is allowed too).",
    ),
    "toxicity_hold": Setting(
        "off",
        clean_threshold,
        "Hold comments whose toxicity score (0 to 1) is at or above this for review "
        f"(off, or a number; recommended {RECOMMENDED['toxicity_hold']}).",
    ),
    "toxicity_nudge": Setting(
        "off",
        clean_threshold,
        "Ask writers to reconsider comments scoring at or above this before posting "
        f"(off, or a number; recommended {RECOMMENDED['toxicity_nudge']}).",
    ),
    "toxicity_scorer_url": Setting(
        "",
        http_url("the built-in model"),
        "Score comments with this Perspective-compatible server instead of the built-in "
        "English model (empty: built-in).",
    ),
    "guidelines_text": Setting(
        "",
        plain_text(GUIDELINES_MAX),
        "Your community guidelines in a few sentences, shown to writers the nudge stops.",
    ),
    "guidelines_url": Setting(
        "", http_url("no link"), "A link to your full community guidelines (empty: none)."
    ),
    "require_staff_totp": Setting(
        False,
        _boolean,
        "Moderators and admins of this site must use one-time passwords (TOTP) to sign in.",
    ),
    "author_alerts": Setting(
        False,
        _boolean,
        "E-mail the author of a held comment when a moderator approves it (readers with a "
        "verified address who allow reply e-mails, and guests who confirmed reply e-mails).",
    ),
    "deleted_account_comments": Setting(
        "keep",
        _choice("keep", "remove"),
        'When a reader deletes their account: keep their comments as "[deleted user]" (keep), '
        "or remove them (remove).",
    ),
    "close_after_days": Setting(
        None,
        _int_between(*SETTING_RANGES["close_after_days"], nullable=True),
        "Close comments on articles first seen more than this many days ago (empty: never).",
    ),
}
# Settings stored as columns of the sites table, updated by the same function.
COLUMN_SETTINGS: dict[str, Setting] = {
    "premod": Setting(False, _boolean, "Hold every comment for review before publication."),
    "allow_guests": Setting(True, _boolean, "Let readers comment without an account."),
}
DEFAULTS: dict[str, Any] = {name: setting.default for name, setting in SETTINGS.items()}


def effective_settings(site: Site) -> dict[str, Any]:
    """The site's settings with defaults filled in (stored values that no longer validate
    fall back to the default rather than break posting). Validated once per distinct stored
    value, since every post reads them."""
    cached = _effective(json.dumps(site.settings or {}, sort_keys=True))
    return {name: list(v) if isinstance(v, list) else v for name, v in cached.items()}


@lru_cache(maxsize=256)
def _effective(stored_json: str) -> dict[str, Any]:
    stored = json.loads(stored_json)
    result = dict(DEFAULTS)
    for name, setting in SETTINGS.items():
        if name in stored:
            try:
                result[name] = setting.clean(name, stored[name])
            except ValidationError:
                pass
    return result


def all_settings(site: Site) -> dict[str, Any]:
    """Every setting including the column ones, as the settings form shows them."""
    values = effective_settings(site)
    values["premod"] = site.premod
    values["allow_guests"] = site.allow_guests
    return values


def clean_settings(changes: Any) -> dict[str, Any]:
    """Validate a mapping of setting name -> new value; ValidationError on the first bad one."""
    if not isinstance(changes, dict) or not changes:
        raise ValidationError("give at least one setting to change", "invalid_setting")
    cleaned = {}
    for name, value in changes.items():
        setting = SETTINGS.get(name) or COLUMN_SETTINGS.get(name)
        if setting is None:
            known = ", ".join(sorted([*SETTINGS, *COLUMN_SETTINGS]))
            raise ValidationError(
                f"unknown setting {str(name)[:40]!r}; settings are: {known}",
                "invalid_setting",
            )
        cleaned[name] = setting.clean(name, value)
    return cleaned


def update_site_settings(admin: User | None, site_slug: str, changes: Any) -> dict[str, Any]:
    """Change some of a site's settings (admins only) and return all of them.

    Raises Forbidden(forbidden) for anyone but an admin, NotFound(unknown_site),
    ValidationError(invalid_setting) naming the first bad value (nothing is stored then).
    The change is audited with the names of the settings changed.
    """
    admin = require_admin(admin, "change a site's settings")
    return apply_site_settings(site_slug, changes, admin.id)


def site_settings_for(moderator: User | None, site_slug: str) -> dict[str, Any]:
    """Every setting of a site, for its moderators (admins change them with
    ``update_site_settings``). Raises Forbidden, NotFound(unknown_site).
    """
    _moderator, site = moderated_site(moderator, site_slug)
    return all_settings(site)


def apply_site_settings(site_slug: str, changes: Any, actor_id: int | None) -> dict[str, Any]:
    """``update_site_settings`` without the role check, for the command line (``actor_id``
    None: audited as the system). Raises NotFound(unknown_site), ValidationError."""
    site = get_site(site_slug)
    cleaned = clean_settings(changes)
    stored = dict(site.settings or {})
    changed = []
    for name, value in cleaned.items():
        if name in COLUMN_SETTINGS:
            if getattr(site, name) != value:
                setattr(site, name, value)
                changed.append(name)
        elif stored.get(name, DEFAULTS[name]) != value or name not in stored:
            stored[name] = value
            changed.append(name)
    site.settings = stored  # a new dict, so the JSON column is seen as changed
    if changed:
        audit.record(
            "settings_update",
            site_id=site.id,
            actor_id=actor_id,
            reason="changed " + ", ".join(sorted(changed)),
        )
        touch_articles_of(site_id=site.id)
    db.session.commit()
    return all_settings(site)


def comments_closed(site: Site, article: Article) -> bool:
    """True if nobody may post on ``article``: closed by hand, or older than close_after_days.

    An article's age counts from its first comment (an article created by a reaction, or by a
    request made long before anyone commented, is not closed early)."""
    if article.closed:
        return True
    days = effective_settings(site)["close_after_days"]
    return (
        days is not None
        and article.first_comment_at is not None
        and (article.first_comment_at < utcnow() - timedelta(days=days))
    )
