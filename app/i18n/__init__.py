"""Every string the widget shows, from one catalogue per language (``data-lang`` picks it).

A catalogue is a flat dict of keys to strings; a plural entry is a dict keyed by the CLDR plural
category (``one``, ``other``, ...) that ``Intl.PluralRules`` also returns in the browser, so the
frame script and ``count.js`` choose the same form as the server. Placeholders are ``{name}``.
Unknown languages fall back to English, and so do keys a translation has not covered yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.i18n import en

DEFAULT_LANGUAGE = "en"
CATALOGUES: dict[str, dict[str, Any]] = {"en": en.STRINGS}
PLURAL_RULES: dict[str, Callable[[int], str]] = {"en": en.plural}


def pick_language(requested: str | None) -> str:
    """A supported language for a ``data-lang`` value such as ``en`` or ``en-GB``."""
    if requested:
        base = requested.strip().lower().replace("_", "-").split("-")[0]
        if base in CATALOGUES:
            return base
    return DEFAULT_LANGUAGE


class Catalogue:
    """The strings of one language: ``t("key", name=...)`` and ``t.plural("key", n)``."""

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self.strings = {**CATALOGUES[DEFAULT_LANGUAGE], **CATALOGUES[self.language]}
        self._plural = PLURAL_RULES.get(self.language, PLURAL_RULES[DEFAULT_LANGUAGE])

    def __call__(self, key: str, **values: Any) -> str:
        text = self.strings[key]
        return text.format(**values) if values else text

    def plural(self, key: str, n: int) -> str:
        forms = self.strings[key]
        return forms.get(self._plural(n), forms["other"]).format(n=n)

    def subset(self, keys: tuple[str, ...] | list[str]) -> dict[str, Any]:
        """The entries a browser script needs, to embed as JSON."""
        return {key: self.strings[key] for key in keys}


def catalogue(language: str | None) -> Catalogue:
    return Catalogue(pick_language(language))


def all_languages(key: str) -> dict[str, Any]:
    """One entry in every language, for the host-page scripts (embed.js, count.js)."""
    fallback = CATALOGUES[DEFAULT_LANGUAGE][key]
    return {lang: strings.get(key, fallback) for lang, strings in CATALOGUES.items()}
