"""Every limit Parley puts on its input, defined once.

The services validate with these numbers, the models size their columns with them, the dashboard
forms cut their fields with them, and the OpenAPI document (``app/api/payloads/``) states them,
so a limit changed here changes everywhere at once. Nothing else writes these numbers.

Lengths are in characters (after trimming where the service trims); ranges are inclusive.
"""

from __future__ import annotations

# Identifiers.
RECORD_ID_MAX = 2**31 - 1  # a record id in a path or a body: 1 to this (a 32-bit integer key)
SITE_SLUG_MAX = 64
SITE_NAME_MAX = 200
API_TOKEN_MAX = 200  # a bearer token (the ones Parley makes are far shorter)
ARTICLE_KEY_MAX = 512
CURSOR_MAX = 200  # a paging cursor; the ones Parley makes are well under 100
CURSOR_TIME_MAX = 40  # the time text inside a cursor
# Who voted, reported or reacted (``u:<id>``, ``g:<hash>``, an import's ``x:<source>:<key>``).
ACTOR_KEY_MAX = 80
SOURCE_REF_MAX = 200  # an imported comment's id in the system it came from

# A request's body, in bytes (PARLEY_MAX_CONTENT_LENGTH's default): a post or an edit with every
# field at its limit fits even when each character is written as JSON's \uXXXX\uXXXX (12 bytes,
# what JSON encoders that escape to ASCII write for an emoji): about 160 KB.
REQUEST_BODY_MAX = 256 * 1024

# A comment and its article.
BODY_MAX = 10_000  # Markdown source
AUTHOR_NAME_MAX = 80  # display names, guests' and accounts'
EMAIL_MAX = 254
IP_MAX = 45  # the longest text form of an IPv6 address (with an embedded IPv4 one)
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
ARTICLE_TITLE_MAX = 300
ARTICLE_URL_MAX = 2048
REPORT_NOTE_MAX = 500
# An imported comment's text (HTML from another system runs longer than its Markdown would);
# longer ones are skipped, not cut.
IMPORTED_BODY_MAX = 50_000

# Pages: the default size, and the largest a caller may ask for.
PAGE_SIZE = 50
THREAD_PAGE_MAX = 500  # top-level comments of a thread
REPLIES_MAX = 500  # replies per top-level comment in a thread read, and per page of replies
COUNTS_KEYS_MAX = 100  # article keys in one counts request
# Characters of query the host page's scripts put in one URL (count.js's batches, embed.js's
# frame): gunicorn refuses request lines over 8,190 bytes (gunicorn.conf.py), as proxies' usual
# 8 KiB do. A longer article key still goes (alone; or without the frame's title and url hints).
HOST_QUERY_MAX = 6_000
QUEUE_PAGE_MAX = 100  # moderation queues, search and the audit log
ARTICLES_PAGE_MAX = 100  # a site's article list

# Moderation.
MODERATION_REASON_MAX = 500
BULK_MAX = 200  # comment ids in one bulk action (four pages of a queue)
SEARCH_TEXT_MAX = 200  # the text and author filters of a search
AUDIT_ACTION_NAME_MAX = 40
SUSPEND_DAYS_MAX = 365
STAFF_SITES_MAX = 500  # sites one moderator is given at once
AUDIT_REASON_MAX = 500  # the reason stored with an audit entry or a ban
EXCERPT_CHARS = 200  # a queue item's text excerpt (an output, bounded here with the rest)

# Site settings: lists, and the ranges of the numeric settings.
WORD_LIST_MAX = 500  # banned or suspect words of a site
WORD_MAX = 100
REASON_LIST_MAX = 30  # a site's reject reasons
REASON_MAX = 500
GUIDELINES_MAX = 1000
SETTING_TEXT_MAX = 60_000  # a settings form's textarea (a word list, one entry a line)
SETTING_URL_MAX = 2048  # the toxicity scorer's and the guidelines' URLs
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "max_links": (0, 100),
    "new_author_comments": (0, 100),
    "duplicate_window_minutes": (0, 10_080),
    "rate_limit_posts": (0, 10_000),
    "rate_limit_seconds": (1, 86_400),
    "report_threshold": (1, 1_000),
    "close_after_days": (1, 36_500),
}

# Accounts and single sign-on.
PASSWORD_MIN = 10
PASSWORD_MAX = 256
BADGE_MAX = 20
SSO_TOKEN_MAX = 8192
SSO_SUBJECT_MAX = 255
SSO_AVATAR_URL_MAX = 2048
SSO_SECRET_MIN = 32
EMAIL_LINK_TOKEN_MAX = 512
TOTP_CODE_MAX = 32  # a sign-in code: the app's digits, or a recovery code
TOTP_DIGITS = 6  # the code an authenticator app shows (the provisioning URI's default)
AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_MAX_SIDE = 4096  # pixels, either side, of an uploaded avatar

# The request layer.
URL_MAX = 32_768  # the whole URL, query included
JSON_DEPTH_MAX = 32

# The reader's latest comments on one article that the frame's private state marks as theirs:
# enough for any page a reader keeps open, and a bound on the answer's size.
OWN_COMMENTS_MAX = 100

# Webhooks (docs/webhooks.md): the receiver's URL, the shared secret, how many per site.
WEBHOOK_URL_MAX = 2048
WEBHOOK_SECRET_MIN = 6
WEBHOOK_SECRET_MAX = 256
WEBHOOKS_PER_SITE_MAX = 20
WEBHOOK_EVENTS_MAX = 7  # a webhook's chosen events (there are seven)
WEBHOOK_DELIVERIES_SHOWN_MAX = 100  # the delivery log's page, newest first
