"""An author's edit or delete racing their own delete or a moderator's decision.

Each test lets this request read the comment, another request commit a change to it, and this
request go on (tests/concurrency_support.py): what it decides must follow the committed status,
not the one it read.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Article, AuditEntry, Comment, CommentStatus, Role, Site, User
from app.services.comments import post_comment
from app.services.editing import delete_own_comment, edit_comment
from app.services.errors import NotFound
from app.services.identity import Viewer
from app.services.moderation.actions import moderate_comment
from tests.concurrency_support import at_once, in_another_request, miscounted_articles
from tests.factories import make_site, make_user

ADMIN = "admin@example.org"


@pytest.fixture
def author_id(app) -> int:
    make_site(app)
    make_user(app, ADMIN, "Admin", Role.ADMIN)
    return make_user(app, "author@example.org", "Author")


def the_author(author_id: int) -> Viewer:
    return Viewer(user=db.session.get(User, author_id))


def moderate(comment_id: int, action: str) -> None:
    moderate_comment(comment_id, action, db.session.scalar(select(User).where(User.email == ADMIN)))


def post(app, author_id: int, *, premod: bool = False, article: str = "a1") -> int:
    """The author's comment on news (``article``), "Original", held for a moderator on a
    ``premod`` site."""
    with app.app_context():
        db.session.scalar(select(Site)).premod = premod
        db.session.commit()
        return post_comment(
            site_slug="news", article_key=article, body="Original", viewer=the_author(author_id)
        ).id


def premod_from_now_on(comment_id: int) -> None:
    """The rules hold every later edit of the comment for a moderator."""
    db.session.get(Comment, comment_id).article.premod = True
    db.session.commit()


def stored(comment_id: int) -> tuple[CommentStatus, str, bool]:
    comment = db.session.get(Comment, comment_id)
    return comment.status, comment.body_source, comment.edited_at is not None


@pytest.mark.parametrize("edit_is_held", [False, True], ids=["edit-approved", "edit-held"])
def test_an_edit_that_read_the_comment_before_its_delete_committed_is_refused(
    app, author_id, edit_is_held
):
    """Without the lock the edit wrote its text into the deleted comment, and an edit the
    rules hold brought it back from deleted to pending."""
    comment_id = post(app, author_id)
    if edit_is_held:
        with app.app_context():
            premod_from_now_on(comment_id)
    with app.app_context():
        # This request's read, kept in a name: the session's identity map holds it weakly.
        read = db.session.get(Comment, comment_id)
        assert read.status == CommentStatus.APPROVED
        in_another_request(app, lambda: delete_own_comment(comment_id, the_author(author_id)))
        with pytest.raises(NotFound) as refused:
            edit_comment(comment_id, "Back again", the_author(author_id))
        assert refused.value.code == "unknown_comment"  # as for editing a deleted comment
        db.session.rollback()
    with app.app_context():
        assert stored(comment_id) == (CommentStatus.DELETED, "Original", False)
        assert miscounted_articles() == {}


def test_an_edit_that_read_the_comment_before_a_moderator_rejected_it_is_refused(app, author_id):
    """Without the lock a held edit moved the rejected comment back to pending, into the
    moderators' queue again, with text no moderator had seen."""
    comment_id = post(app, author_id)
    with app.app_context():
        premod_from_now_on(comment_id)
    with app.app_context():
        read = db.session.get(Comment, comment_id)
        assert read.status == CommentStatus.APPROVED
        in_another_request(app, lambda: moderate(comment_id, "reject"))
        with pytest.raises(NotFound) as refused:
            edit_comment(comment_id, "Edited after the rejection", the_author(author_id))
        assert refused.value.code == "unknown_comment"
        db.session.rollback()
    with app.app_context():
        assert stored(comment_id) == (CommentStatus.REJECTED, "Original", False)
        assert miscounted_articles() == {}


def test_an_edit_that_read_the_comment_pending_holds_it_again_once_a_moderator_approved_it(
    app, author_id
):
    """Without the lock the edit compared its decision with the stale "pending", left the
    comment approved, and published text the rules hold."""
    comment_id = post(app, author_id, premod=True)
    with app.app_context():
        read = db.session.get(Comment, comment_id)
        assert read.status == CommentStatus.PENDING
        in_another_request(app, lambda: moderate(comment_id, "approve"))
        edit_comment(comment_id, "Edited after the approval", the_author(author_id))
    with app.app_context():
        assert stored(comment_id) == (CommentStatus.PENDING, "Edited after the approval", True)
        assert miscounted_articles() == {}
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.comment_id == comment_id).order_by(AuditEntry.id)
        ).all()
        assert [(e.action, e.before_status, e.after_status) for e in entries][-1] == (
            "rule_hold",
            "approved",
            "pending",
        )
        assert db.session.scalar(select(Article.comment_count)) == 0


def test_a_delete_that_read_the_comment_before_a_moderator_rejected_it_is_refused(app, author_id):
    """Once a moderator decided, the comment is gone for its author: without the lock their
    delete turned the moderator's rejection into "deleted", which no moderator can undo."""
    comment_id = post(app, author_id)
    with app.app_context():
        read = db.session.get(Comment, comment_id)
        assert read.status == CommentStatus.APPROVED
        in_another_request(app, lambda: moderate(comment_id, "reject"))
        with pytest.raises(NotFound) as refused:
            delete_own_comment(comment_id, the_author(author_id))
        assert refused.value.code == "unknown_comment"
        db.session.rollback()
    with app.app_context():
        assert stored(comment_id) == (CommentStatus.REJECTED, "Original", False)
        assert miscounted_articles() == {}


def editing(comment_id: int, body: str, author_id: int) -> Callable[[], object]:
    return lambda: edit_comment(comment_id, body, the_author(author_id))


def deleting(comment_id: int, author_id: int) -> Callable[[], object]:
    return lambda: delete_own_comment(comment_id, the_author(author_id))


def test_an_edit_and_a_delete_sent_at_once_end_deleted(app, author_id):
    """Real concurrency, on both backends: whichever commits first, the comment ends deleted
    with the text it had when deleted. Without the lock, every round on PostgreSQL brought the
    deleted comment back as pending with the edit's text."""
    for n in range(10):
        comment_id = post(app, author_id, article=f"r{n}")
        with app.app_context():
            premod_from_now_on(comment_id)
        edit = f"Edit {n}"
        raised = at_once(app, editing(comment_id, edit, author_id), deleting(comment_id, author_id))
        with app.app_context():
            status, body, edited = stored(comment_id)
            assert status == CommentStatus.DELETED
            if raised:  # the delete went first
                assert [(type(e), e.code) for e in raised] == [(NotFound, "unknown_comment")]
                assert (body, edited) == ("Original", False)
            else:
                assert (body, edited) == (edit, True)
            assert miscounted_articles() == {}
