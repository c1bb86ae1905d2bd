"""Deleting an account, or erasing a guest's data, while a moderator acts on the same threads.

A deletion applies each site's ``deleted_account_comments`` to the comments it reads; a
moderator's decision committed after that read must stand, and the two requests must wait for
one another rather than deadlock (PostgreSQL aborts one of a deadlocked pair: a 503).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Comment, CommentStatus, Role
from app.services.comments import post_comment
from app.services.errors import Conflict
from app.services.guest_data import erase_guest
from app.services.identity import Viewer
from app.services.moderation.actions import bulk_moderate
from app.services.reader_data import delete_account
from app.services.reports import report_comment
from app.services.site_settings import apply_site_settings
from app.services.votes import counted_score, vote
from tests.concurrency_support import at_once, in_another_request, miscounted_articles
from tests.dashboard_support import PASSWORD, make_account, user

pytestmark = pytest.mark.world(premod=False)

ROUNDS = 15  # the deadlocks these rounds provoke showed in a third to a half of them


def removing_comments(app) -> None:
    with app.app_context():
        apply_site_settings("news", {"deleted_account_comments": "remove"}, None)


def as_admin(ids: list[int], action: str) -> None:
    bulk_moderate(ids, action, user("admin@example.org"))


def comment(viewer: Viewer, article: str, **guest: str) -> int:
    body = f"On {article}, by {viewer.user_id or viewer.guest_key[:4]}"
    return post_comment(site_slug="news", article_key=article, body=body, viewer=viewer, **guest).id


def reader(email: str) -> Viewer:
    return Viewer(user=user(email))


GUEST = {"author_name": "Gina", "author_email": "gina@example.org"}


def gina(n: int = 0) -> Viewer:
    return Viewer(guest_key=f"{n:064x}")


def statuses(ids: list[int]) -> list[str]:
    rows = db.session.execute(select(Comment.id, Comment.status).where(Comment.id.in_(ids)))
    found = {comment_id: status for comment_id, status in rows}
    return [found[i].value for i in ids]


def audited(comment_id: int) -> list[tuple[str, str | None, str]]:
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.comment_id == comment_id).order_by(AuditEntry.id)
    )
    return [(e.action, e.before_status, e.after_status) for e in entries]


def test_comments_a_moderator_rejected_after_an_account_deletion_read_them_stay_rejected(world):
    """Without the lock the deletion decided on the "approved" it had read and turned the
    moderator's rejection into the author's delete, which no moderator can undo."""
    removing_comments(world.app)
    with world.app.app_context():
        ids = [comment(reader("reader@example.org"), key) for key in ("a1", "a2")]
    with world.app.app_context():
        # This request's read, kept in a name: the session's identity map holds it weakly.
        read = db.session.scalars(select(Comment).where(Comment.id.in_(ids))).all()
        assert {c.status for c in read} == {CommentStatus.APPROVED}
        in_another_request(world.app, lambda: as_admin(ids, "reject"))
        delete_account(user("reader@example.org"), PASSWORD)
    with world.app.app_context():
        assert statuses(ids) == ["rejected", "rejected"]
        assert [audited(i) for i in ids] == [[("reject", "approved", "rejected")]] * 2
        assert user("reader@example.org") is None  # the account is gone all the same
        assert miscounted_articles() == {}


def test_comments_a_moderator_rejected_after_a_guest_erasure_read_them_stay_rejected(world):
    removing_comments(world.app)
    with world.app.app_context():
        ids = [comment(gina(), key, **GUEST) for key in ("a1", "a2")]
    with world.app.app_context():
        read = db.session.scalars(select(Comment).where(Comment.id.in_(ids))).all()
        assert {c.status for c in read} == {CommentStatus.APPROVED}
        in_another_request(world.app, lambda: as_admin(ids, "reject"))
        assert erase_guest("gina@example.org").removed == 0
    with world.app.app_context():
        assert statuses(ids) == ["rejected", "rejected"]
        assert [audited(i) for i in ids] == [[("reject", "approved", "rejected")]] * 2
        assert db.session.scalar(select(func.count()).where(Comment.guest_email.is_not(None))) == 0
        assert miscounted_articles() == {}


# Each layout posts, in round ``n``, the deleted author's comments ("mine") and others' on
# articles x and y, and says which comments the moderator's bulk action takes (and which
# action). They are the orders in which the deletion and the bulk action used to deadlock.
def opposite_articles(n: int, me: Viewer, guest: dict) -> tuple[list[int], list[int], str]:
    """Mine on x then y; the moderator's on someone else's on y then x."""
    other = reader("author@example.org")
    mine = [comment(me, f"r{n}x", **guest)]
    taken = [comment(other, f"r{n}y"), comment(other, f"r{n}x")]
    mine.append(comment(me, f"r{n}y", **guest))
    return mine, taken, "reject"


def a_shared_comment(n: int, me: Viewer, guest: dict) -> tuple[list[int], list[int], str]:
    """The moderator takes someone else's comment on x and mine on y."""
    mine = [comment(me, f"r{n}x", **guest)]
    other = comment(reader("author@example.org"), f"r{n}x")
    mine.append(comment(me, f"r{n}y", **guest))
    return mine, [other, mine[1]], "reject"


def my_reported_comment(n: int, me: Viewer, guest: dict) -> tuple[list[int], list[int], str]:
    """I reported and voted on someone else's comment beside mine; the moderator approves it,
    dismissing the reports, while my deletion takes my report and vote off it."""
    mine = [comment(me, f"r{n}x", **guest)]
    other = comment(reader("author@example.org"), f"r{n}x")
    report_comment(other, "spam", None, me)
    vote(other, 1, me)
    return mine, [other], "approve"


def one_round(app, n: int, who: str, layout) -> None:
    """Round ``n``: a new reader (or guest) posts as ``layout`` says, then their deletion and
    the moderator's bulk action run at once; it must end as if one had run after the other."""
    email = f"reader{n}@example.org"
    guest = {"author_name": "Gina", "author_email": email} if who == "guest" else {}
    with app.app_context():
        if who == "account":
            make_account(app, email, f"Reader {n}", Role.READER)
        me = reader(email) if who == "account" else gina(n)
        mine, taken, action = layout(n, me, guest)

    def deletion() -> None:
        if who == "account":
            delete_account(user(email), PASSWORD)
        else:
            erase_guest(email)

    raised = at_once(app, deletion, lambda: as_admin(taken, action))
    with app.app_context():
        assert miscounted_articles() == {}
        if raised:  # the deletion went first: the bulk action found my comment deleted
            assert [(type(e), e.code) for e in raised] == [(Conflict, "comment_deleted")]
            assert statuses(mine) == ["deleted"] * len(mine)
            return
        target = "rejected" if action == "reject" else "approved"
        assert statuses(taken) == [target] * len(taken)
        # Mine the moderator did not take are deleted; a rejection that came first stands.
        assert statuses(mine) == [target if i in taken else "deleted" for i in mine]


@pytest.mark.parametrize("layout", [opposite_articles, a_shared_comment, my_reported_comment])
@pytest.mark.parametrize("who", ["account", "guest"])
def test_a_deletion_and_a_bulk_action_on_the_same_threads_wait_for_one_another(world, who, layout):
    """Real concurrency: two threads let go together, ROUNDS times. Before the locks were
    taken in one order (comments, then articles), PostgreSQL found a deadlock in 12 to 18 of
    30 to 60 rounds of each layout and aborted one of the two requests."""
    removing_comments(world.app)
    for n in range(ROUNDS):
        one_round(world.app, n, who, layout)


def vote_as_a_voter_leaves(app, target: int, n: int, who: str) -> None:
    """Round ``n``: a reader (or guest) who voted on ``target`` is deleted while another
    reader votes on it, at once."""
    email = f"leaving{n}@example.org"
    with app.app_context():
        if who == "account":
            make_account(app, email, f"Leaving {n}", Role.READER)
            leaving = reader(email)
        else:
            leaving = gina(n)
            comment(leaving, "a2", author_name="Gina", author_email=email)
        vote(target, 1, leaving)
        make_account(app, f"staying{n}@example.org", f"Staying {n}", Role.READER)

    def deletion() -> None:
        if who == "account":
            delete_account(user(email), PASSWORD)
        else:
            erase_guest(email)

    assert at_once(app, deletion, lambda: vote(target, 1, reader(f"staying{n}@example.org"))) == []


@pytest.mark.parametrize("who", ["account", "guest"])
def test_a_vote_at_the_moment_its_comments_other_voter_is_deleted_still_counts(world, who):
    """The deletion counts the score again without the leaving reader's vote; counted before
    another reader's vote committed, it wrote a score without that vote too (a reviewer saw
    a stored 0 beside one remaining up-vote). Its comments are locked first now."""
    with world.app.app_context():
        target = comment(reader("admin@example.org"), "a1")
    for n in range(ROUNDS):
        vote_as_a_voter_leaves(world.app, target, n, who)
        with world.app.app_context():
            assert db.session.get(Comment, target).score == counted_score(target) == n + 1
