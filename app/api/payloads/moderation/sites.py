"""Moderation of a site: its articles (close, reopen, pre-moderate) and its settings."""

from app.api.payloads.declare import paths
from app.api.payloads.moderation.answers import (
    ArticleChange,
    ArticlePage,
    ModerationArticle,
    SettingsAnswer,
    SettingsChange,
)
from app.api.payloads.moderation.shared import (
    CURSOR_PARAM,
    INVALID_CURSOR,
    INVALID_LIMIT,
    LIMIT_PARAM,
    SLUG_PARAM,
    operation,
)
from app.api.payloads.shared import SiteSlug
from app.api.spec.common import json_body, json_response, query
from app.api.spec.schemas import schema_of

SITE_MISSING = (400, "invalid_site", "`site` is missing")
SETTINGS_ANSWER = schema_of(SettingsAnswer)

LIST_ARTICLES = operation(
    "get",
    "/articles",
    "list_moderation_articles",
    "A site's articles with their counts",
    "Newest first, with approved, pending and reported counts and whether comments are closed.",
    json_response("A page of articles.", ArticlePage),
    (SITE_MISSING, "unknown_site", INVALID_CURSOR, INVALID_LIMIT),
    [
        query("site", "The site's slug.", schema_of(SiteSlug), required=True),
        CURSOR_PARAM,
        LIMIT_PARAM,
    ],
)

UPDATE_ARTICLE = operation(
    "post",
    "/articles",
    "update_moderation_article",
    "Close, reopen or pre-moderate one article",
    "`closed` closes or reopens comments (posting then answers 403 `thread_closed`); "
    "`premod` true/false overrides the site's pre-moderation, null follows it.",
    json_response("The article as the list shows it, counts included.", ModerationArticle),
    (
        SITE_MISSING,
        (400, "invalid_article_change", "neither `closed` nor `premod` is given"),
        (400, "invalid_closed", "`closed` is not true or false"),
        (400, "invalid_premod", "`premod` is not true, false or null"),
        "invalid_article",
        "unknown_site",
        (404, "unknown_article", "no article has this key on the site"),
    ),
    None,
    json_body(
        ArticleChange, {"site": "daily-news", "article": "air-defence-drills-2026", "closed": True}
    ),
)

GET_SETTINGS = operation(
    "get",
    "/sites/{slug}/settings",
    "get_site_settings",
    "A site's moderation settings",
    "Every setting with its current value (defaults filled in).",
    json_response("The settings.", SETTINGS_ANSWER),
    ("unknown_site",),
    [SLUG_PARAM],
)

UPDATE_SETTINGS = operation(
    "patch",
    "/sites/{slug}/settings",
    "update_moderation_site_settings",
    "Change some of a site's settings (admins)",
    "Only the settings given change; every value is validated and nothing is stored "
    "if one is bad. Word lists may be given as a list or as one string with a word or "
    "phrase per line. Audited.",
    json_response("Every setting after the change.", SETTINGS_ANSWER),
    ((400, "invalid_setting", "an unknown setting, or a value out of its range"), "unknown_site"),
    [SLUG_PARAM],
    json_body(SettingsChange, {"banned_words": ["casino", "buy now"], "max_links": 2}),
)

PATHS = paths(LIST_ARTICLES, UPDATE_ARTICLE, GET_SETTINGS, UPDATE_SETTINGS)
