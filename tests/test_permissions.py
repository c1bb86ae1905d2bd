"""Who may do what, and which actions a comment's state offers: app.services.permissions."""

from __future__ import annotations

import re

import pytest

from app.models import CommentStatus, Role, User
from app.services.errors import Forbidden
from app.services.permissions import (
    offered_actions,
    powers_of,
    require_admin,
    require_staff,
)
from tests.dashboard_support import signed_in


def offered(status: CommentStatus, report_count: int = 0, featured: bool = False) -> list[str]:
    return [o.action for o in offered_actions(status, report_count, featured)]


def test_each_status_offers_the_actions_that_change_it():
    assert offered(CommentStatus.PENDING) == ["approve", "reject", "spam"]
    assert offered(CommentStatus.APPROVED) == ["reject", "spam", "feature"]
    assert offered(CommentStatus.APPROVED, featured=True) == ["reject", "spam", "unfeature"]
    assert offered(CommentStatus.APPROVED, report_count=2) == [
        "approve",
        "reject",
        "spam",
        "feature",
    ]
    assert offered(CommentStatus.REJECTED) == ["restore", "spam"]
    assert offered(CommentStatus.SPAM) == ["restore", "reject"]
    assert offered(CommentStatus.DELETED) == []


def test_a_reported_approved_comment_is_kept_with_the_approve_key():
    keep = offered_actions(CommentStatus.APPROVED, 1, False)[0]
    assert (keep.action, keep.label, keep.shortcut) == ("approve", "Keep", "a")


def test_only_admins_have_the_admin_powers():
    reader, moderator, admin = (User(role=role) for role in Role)
    assert all(powers_of(admin).values())
    assert set(powers_of(admin)) == {
        "manage_staff",
        "change_settings",
        "ban_everywhere",
        "manage_webhooks",
    }
    assert not any(powers_of(moderator).values())
    with pytest.raises(Forbidden):
        require_admin(moderator)
    with pytest.raises(Forbidden):
        require_staff(reader)
    with pytest.raises(Forbidden):
        require_staff(None)
    assert require_staff(moderator) is moderator


def test_the_dashboard_shows_exactly_the_offered_actions_with_their_keys(app, world):
    comment_id, _article = world.fresh_comment()
    html = signed_in(app, "mod@example.org").get("/moderation/queue/pending").get_data(as_text=True)
    item = html[html.index(f'id="item-{comment_id}"') :]
    item = item[: item.index("</form>")]
    buttons = re.findall(r'value="([a-z]+)" data-shortcut="([a-z])"', item)
    assert buttons == [
        (o.action, o.shortcut) for o in offered_actions(CommentStatus.PENDING, 0, False)
    ]
