"""Posting a comment or a reply: ``POST /api/v1/comments`` and its body, ``NewComment``."""

from typing import Annotated, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from app.api.payloads.core import COMMENT_EXAMPLE
from app.api.payloads.declare import Operation, paths
from app.api.payloads.shared import READER_CREDENTIALS, ArticleKey, Confirm, SiteSlug
from app.api.spec.common import (
    CSRF_HEADER,
    OPTIONAL_AUTH,
    TOXICITY_ERRORS,
    json_body,
    json_response,
    with_nudge_guidelines,
)
from app.api.spec.schemas import component_schemas, schema_of
from app.limits import ARTICLE_TITLE_MAX, ARTICLE_URL_MAX, AUTHOR_NAME_MAX, BODY_MAX, EMAIL_MAX
from app.web.answers import Comment
from app.web.fields import Email, Url, component


@component
class NewComment(TypedDict):
    site: SiteSlug
    article: ArticleKey
    body: Annotated[
        str,
        Field(
            min_length=1,
            max_length=BODY_MAX,
            description=(
                f"Markdown source, 1 to {BODY_MAX:,} characters after trimming. Raw HTML is "
                "shown as text."
            ),
        ),
    ]
    parent_id: NotRequired[
        Annotated[
            int | None,
            Field(description="Reply to this comment (approved, or your own pending one)."),
        ]
    ]
    author_name: NotRequired[
        Annotated[
            str,
            Field(
                min_length=1,
                max_length=AUTHOR_NAME_MAX,
                description="Required for guests; ignored for signed-in and token callers.",
            ),
        ]
    ]
    author_email: NotRequired[
        Annotated[
            Email,
            Field(
                max_length=EMAIL_MAX,
                description="Guests only, optional, never shown to anyone but moderators.",
            ),
        ]
    ]
    notify_replies: NotRequired[
        Annotated[
            bool,
            Field(
                description=(
                    "Guests only, with `author_email`: ask for e-mails about replies to this "
                    "comment. Parley first mails a confirmation link to that address and sends "
                    "nothing else until it is followed (double opt-in). Readers with accounts "
                    "choose in their profile (`reply_notifications`); for them this is ignored."
                )
            ),
        ]
    ]
    article_title: NotRequired[
        Annotated[
            str,
            Field(
                max_length=ARTICLE_TITLE_MAX,
                description="Stored when the article has no title yet.",
            ),
        ]
    ]
    article_url: NotRequired[
        Annotated[
            Url,
            Field(
                max_length=ARTICLE_URL_MAX,
                description="http(s) URL, stored when the article has no URL yet.",
            ),
        ]
    ]
    confirm: NotRequired[Confirm]


SCHEMAS = component_schemas(NewComment)

CREATE_COMMENT = Operation(
    "post",
    "/api/v1/comments",
    "create_comment",
    "Post a comment or a reply",
    tags=("reader",),
    description=(
        "Guests give `author_name` (and optionally `author_email`); bearer-token and "
        "signed-in callers post as themselves. The article is created on first post. "
        "The answer's `status` is `approved` or `pending` as the site's moderation "
        "rules decide; a pending comment is visible only to its author. A comment the "
        "rules reject or mark spam is answered as a placeholder (`status` `deleted`) "
        "and never shown. Posting is rate limited per account, or per IP address for "
        "guests (staff are exempt; every request counts, accepted or not), and by the "
        "site's own `rate_limit_posts` setting."
    ),
    security=OPTIONAL_AUTH,
    parameters=[CSRF_HEADER],
    request_body=json_body(
        NewComment,
        {
            "site": "daily-news",
            "article": "air-defence-drills-2026",
            "body": "Good piece.",
            "author_name": "Ada",
        },
    ),
    responses={
        "201": json_response(
            "The new comment.",
            Comment,
            COMMENT_EXAMPLE,
            headers={
                "X-RateLimit-Remaining": {
                    "description": "Posts left in the current window (when limits are on).",
                    "schema": schema_of(int),
                }
            },
        )
    },
    errors=(
        "invalid_json",
        "invalid_site",
        "invalid_article",
        (400, "invalid_body", f"`body` is missing, empty, or over {BODY_MAX:,} characters"),
        (
            400,
            "invalid_author",
            f"a guest's `author_name` is missing, empty or over {AUTHOR_NAME_MAX} characters",
        ),
        (400, "invalid_email", "`author_email` is not a valid email address"),
        (
            400,
            "invalid_notify_replies",
            "`notify_replies` is not a boolean, or is true for a guest without `author_email`",
        ),
        (
            400,
            "invalid_article_title",
            f"`article_title` is not a string of at most {ARTICLE_TITLE_MAX} characters",
        ),
        (
            400,
            "invalid_article_url",
            f"`article_url` is not an http(s) URL of at most {ARTICLE_URL_MAX:,} characters",
        ),
        (
            400,
            "invalid_parent",
            "`parent_id` is not an integer id of a comment in this article that the caller can see",
        ),
        (
            400,
            "reserved_name",
            "a guest's `author_name` is a moderator's or admin's display name, or "
            'looks like one (case, accents, look-alike letters, spaces, "(staff)")',
        ),
        *READER_CREDENTIALS,
        (403, "thread_closed", "comments on this article are closed"),
        (403, "guests_not_allowed", "the site accepts comments only from accounts"),
        (403, "banned", "the account, browser or IP address is banned from the site"),
        "unknown_site",
        "unknown_article",
        "payload_too_large",
        "unsupported_media_type",
        "rate_limited",
        *TOXICITY_ERRORS,
    ),
)

PATHS = paths(CREATE_COMMENT)
with_nudge_guidelines(PATHS["/api/v1/comments"]["post"]["responses"])
