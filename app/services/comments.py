"""Posting comments and keeping each article's visible-comment count right."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, Update, bindparam, inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.database import begin_writing
from app.extensions import db
from app.limits import ARTICLE_TITLE_MAX, ARTICLE_URL_MAX
from app.models import (
    AUTHOR_NAME_MAX,
    BODY_MAX,
    Article,
    BodyFormat,
    Comment,
    CommentStatus,
    ReplySubscription,
    is_record_id,
    utcnow,
)
from app.sanitize import (
    normalize_body,
    normalize_name,
    normalize_text,
    render_markdown,
    renders_as_nothing,
    sanitize_html,
)
from app.services import audit, comment_events
from app.services.article_source import RequestSource, article_for_post
from app.services.articles import clean_article_key
from app.services.bans import check_not_banned
from app.services.errors import Forbidden, NotFound, ValidationError
from app.services.freshness import status_event, touch_article
from app.services.identity import Viewer, require_reader_of_site
from app.services.reply_subscriptions import clean_notify_replies
from app.services.reserved_names import check_not_reserved
from app.services.rules import decide_status
from app.services.site_settings import comments_closed
from app.services.sites import get_site
from app.services.toxicity import record_confirmed, screen_comment
from app.services.users import is_email_address


def clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise ValidationError("body must be a string of Markdown", "invalid_body")
    body = normalize_body(body).strip()
    if renders_as_nothing(body):
        raise ValidationError("body must not be empty", "invalid_body")
    if len(body) > BODY_MAX:
        raise ValidationError(
            f"body must be at most {BODY_MAX:,} characters (it has {len(body):,})", "invalid_body"
        )
    return body


def clean_author_name(name: Any) -> str:
    if name is None or (isinstance(name, str) and not name.strip()):
        raise ValidationError("author_name is required to comment as a guest", "invalid_author")
    if not isinstance(name, str):
        raise ValidationError("author_name must be a string", "invalid_author")
    name = normalize_name(name).strip()
    if renders_as_nothing(name):
        raise ValidationError(
            "author_name must have a visible character: spaces and invisible characters alone "
            "do not name anyone",
            "invalid_author",
        )
    if len(name) > AUTHOR_NAME_MAX:
        raise ValidationError(
            f"author_name must be at most {AUTHOR_NAME_MAX} characters", "invalid_author"
        )
    return name


def clean_email(email: Any) -> str | None:
    if email is None or email == "":
        return None
    if not isinstance(email, str) or not is_email_address(email.strip()):
        raise ValidationError("author_email must be a valid email address", "invalid_email")
    return email.strip()


def clean_optional_text(value: Any, name: str, limit: int) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ValidationError(
            f"{name} must be a string of at most {limit} characters", f"invalid_{name}"
        )
    return normalize_text(value).strip() or None


def clean_article_url(value: Any) -> str | None:
    url = clean_optional_text(value, "article_url", ARTICLE_URL_MAX)
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise ValidationError("article_url must be an http(s) URL", "invalid_article_url")
    return url


@cache
def _count_update() -> Update:
    articles = Article.__table__
    return (
        update(articles)
        .where(articles.c.id == bindparam("article_id"))
        .values(comment_count=articles.c.comment_count + bindparam("delta"))
    )


def adjust_comment_count(article_id: int, delta: int) -> None:
    """Atomically move an article's approved-comment count (call in the changing transaction).

    A Core UPDATE built once: the ORM's update() spent more time working out which loaded
    objects it touched than the UPDATE itself took. The loaded article, if any, is kept in
    step here, as the ORM's "evaluate" synchronisation would.
    """
    if not delta:
        return
    db.session.execute(_count_update(), {"article_id": article_id, "delta": delta})
    loaded = db.session.identity_map.get(identity_key(Article, article_id))
    if loaded is not None and "comment_count" in loaded.__dict__:
        set_committed_value(loaded, "comment_count", loaded.comment_count + delta)


def count_delta(before: CommentStatus | None, after: CommentStatus) -> int:
    """+1, -1 or 0: how a status change moves the article's approved count."""
    return int(after == CommentStatus.APPROVED) - int(before == CommentStatus.APPROVED)


def _resolve_parent(
    article: Article, parent_id: Any, viewer: Viewer, max_depth: int
) -> Comment | None:
    """The comment to attach a reply to, honouring the depth cap; None for a top-level comment."""
    if parent_id is None:
        return None
    if isinstance(parent_id, bool) or not isinstance(parent_id, int):
        raise ValidationError("parent_id must be a comment id (an integer)", "invalid_parent")
    parent = db.session.get(Comment, parent_id) if is_record_id(parent_id) else None
    if parent is None or parent.article_id != article.id:
        raise ValidationError("parent_id is not a comment in this article", "invalid_parent")
    visible = parent.status == CommentStatus.APPROVED or (
        parent.status == CommentStatus.PENDING and is_own(parent, viewer)
    )
    if not visible:
        raise ValidationError("parent_id is not a visible comment", "invalid_parent")
    # Deeper than the cap: attach to the deepest allowed ancestor instead.
    while parent.depth >= max_depth and parent.parent is not None:
        parent = parent.parent
    return parent


def post_comment(
    *,
    site_slug: str,
    article_key: Any,
    body: Any,
    viewer: Viewer,
    parent_id: Any = None,
    author_name: Any = None,
    author_email: Any = None,
    article_title: Any = None,
    article_url: Any = None,
    max_depth: int = 8,
    confirm: Any = None,
    origin: RequestSource | None = None,
    notify_replies: Any = None,
) -> Comment:
    """Post a comment (creating the article on first post, where ``origin`` may: see
    app.services.article_source) and commit.

    Raises NotFound(unknown_site, unknown_article), ValidationError(invalid_*, reserved_name),
    Forbidden(thread_closed, guests_not_allowed, banned, forbidden: an SSO reader of another
    site), ToxicityNudge (unless ``confirm`` is True). The returned comment is approved or
    pending, as the site's rules decide; pending
    comments are visible only to their author.
    """
    if not isinstance(site_slug, str) or not site_slug:
        raise ValidationError("site is required", "invalid_site")
    site = get_site(site_slug)
    key = clean_article_key(article_key)
    is_guest = viewer.user is None
    if is_guest and not site.allow_guests:
        raise Forbidden("sign in to comment on this site", "guests_not_allowed")
    require_reader_of_site(viewer, site.id)
    name = clean_author_name(author_name) if is_guest else None
    if name is not None:
        check_not_reserved(name, site)
    email = clean_email(author_email) if is_guest else None
    # Accounts choose in their profile; a guest asks here and confirms by mail (double opt-in).
    wants_replies = clean_notify_replies(
        notify_replies, has_email=email is not None or not is_guest
    )
    source = clean_body(body)
    title = clean_optional_text(article_title, "article_title", ARTICLE_TITLE_MAX)
    url = clean_article_url(article_url)
    check_not_banned(site, viewer)
    # Before anything is written: a nudged post stores nothing, not even its article.
    screening = screen_comment(site, viewer, source, confirm)

    article = article_for_post(site, key, title, url, viewer, origin)
    if comments_closed(site, article):  # closed by hand, or older than close_after_days
        raise Forbidden("comments on this article are closed", "thread_closed")
    parent = _resolve_parent(article, parent_id, viewer, max_depth)

    html = render_markdown(source)
    decision = decide_status(
        site, article, viewer, source, html=html, toxicity=screening.toxicity.score
    )
    comment = Comment(
        article_id=article.id,
        parent_id=parent.id if parent else None,
        root_id=(parent.root_id or parent.id) if parent else None,
        reply_to_id=parent_id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        user_id=viewer.user_id,
        guest_name=name,
        guest_email=email,
        guest_key=viewer.guest_key if is_guest else None,
        author_ip=viewer.ip,
        body_source=source,
        body_html=html,
        status=decision.status,
        reasons=decision.reasons,
        toxicity=screening.toxicity.score,
        created_at=utcnow(),
    )
    comment.user = viewer.user
    db.session.add(comment)
    if article.first_comment_at is None:  # close_after_days counts from here
        article.first_comment_at = comment.created_at
    adjust_comment_count(article.id, count_delta(None, decision.status))
    if decision.status != CommentStatus.APPROVED:
        db.session.flush()
        audit.record(
            "rule_hold",
            comment=comment,
            site_id=site.id,
            reason=", ".join(decision.reasons) or None,
            after=decision.status.value,
        )
    if screening.confirmed:
        record_confirmed(comment, site, screening.toxicity)
    touch_article(article.id, status_event(None, decision.status), comment)
    if wants_replies and email is not None:
        db.session.flush()
        db.session.add(ReplySubscription(comment_id=comment.id, email=email))
    comment_events.record("comment.created", comment)
    db.session.commit()
    return comment


def locked_status(comment: Comment) -> CommentStatus:
    """The comment's status as committed, its row locked until this transaction ends.

    The status read when a request loaded the comment may be stale by the time it changes it:
    two moderators, a double click, or an author's delete racing a rejection all read
    "approved", and each took one off the article's count (fuzzing production: 20 concurrent
    rejections of one comment left its article at -12). Re-read under the row's lock (SELECT
    ... FOR NO KEY UPDATE on PostgreSQL; on SQLite, the database's one write lock, taken by
    ``begin_writing``), the later request waits for the earlier one and decides from the
    status it left. NO KEY: a reply being posted to the comment (its foreign key's KEY SHARE
    lock) never waits for it, nor it for the reply.
    """
    if inspect(comment).persistent:
        begin_writing(db.session)
        db.session.refresh(comment, ["status"], with_for_update={"key_share": True})
    return comment.status


def lock_comments(statement: Select[Any], also_articles: Iterable[int] = ()) -> Sequence[Row[Any]]:
    """Run ``statement``, which selects comments (first, with whatever else), locking each
    comment's row as ``locked_status`` locks one, then the rows of their articles and of
    ``also_articles``, each in id order, with the comments' statuses read again as committed.
    Pass each comment's status to ``change_status`` as ``before``.

    For a service that changes many comments at once (a bulk action, deleting an account or a
    guest's data). Locked one by one as it went, between the article counts it moved, such a
    request could hold a row another one waits for while it waits for one of that request's:
    PostgreSQL then aborts one of them, and the caller gets a 503. Taken in one order,
    comments then articles (the order of a single comment's change too: its row, then its
    article's count), one waits for the other.
    """
    begin_writing(db.session)
    rows = db.session.execute(
        statement.order_by(Comment.id)
        .with_for_update(of=Comment, key_share=True)
        .execution_options(populate_existing=True)
    ).all()
    article_ids = sorted({row[0].article_id for row in rows}.union(also_articles))
    if article_ids:
        db.session.execute(
            select(Article.id)
            .where(Article.id.in_(article_ids))
            .order_by(Article.id)
            .with_for_update(key_share=True)
        )
    return rows


def change_status(
    comment: Comment,
    status: CommentStatus,
    *,
    action: str,
    actor_id: int | None = None,
    reason: str | None = None,
    before: CommentStatus | None = None,
) -> None:
    """Move a comment to ``status``, keeping the article's count right and auditing the change.

    ``before`` is the status the caller already read under the row's lock (``locked_status``,
    or a locking query); without it, it is read here. Does not commit: the calling service
    commits once, with everything else it changed.
    """
    if before is None:
        before = locked_status(comment)
    comment.status = status
    adjust_comment_count(comment.article_id, count_delta(before, status))
    touch_article(comment.article_id, status_event(before, status), comment)
    comment_events.record_status(before, status, comment)
    audit.record(
        action,
        comment=comment,
        actor_id=actor_id,
        reason=reason,
        before=before.value if before else None,
        after=status.value,
    )


def get_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"no comment with id {comment_id}", "unknown_comment")
    return comment


def render_source(source: str, body_format: BodyFormat) -> str:
    """A comment's safe HTML from its stored source, Markdown or (imported) HTML."""
    if body_format == BodyFormat.HTML:
        return sanitize_html(source)
    return render_markdown(source)


def rerender_all(batch_size: int = 500) -> int:
    """Re-render every comment's HTML from its source (after the sanitizer changed).

    Returns how many comments were re-rendered."""
    done = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(Comment).where(Comment.id > last_id).order_by(Comment.id).limit(batch_size)
        ).all()
        if not rows:
            return done
        for comment in rows:
            comment.body_html = render_source(comment.body_source, comment.body_format)
            touch_article(comment.article_id)
        last_id = rows[-1].id
        done += len(rows)
        db.session.commit()


def is_own(comment: Comment, viewer: Viewer) -> bool:
    return bool(
        (viewer.user is not None and comment.user_id == viewer.user.id)
        or (viewer.guest_key is not None and comment.guest_key == viewer.guest_key)
    )
