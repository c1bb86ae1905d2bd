"""A reader's profile: display name and reply-notification preference."""

from __future__ import annotations

from app.extensions import db
from app.models import User
from app.services.errors import ValidationError
from app.services.freshness import touch_articles_of
from app.services.reader_accounts import clean_display_name


def update_profile(user: User, *, name: object = None, reply_notifications: object = None) -> User:
    """Change what is given; commit. SSO readers' names come from their publisher's token."""
    if name is not None:
        if user.kind == "sso":
            raise ValidationError(
                "your name comes from the site you signed in with; change it there",
                "invalid_name",
            )
        new_name = clean_display_name(name, own_name=user.name)
        if new_name != user.name:
            user.name = new_name
            touch_articles_of(user_id=user.id)  # their name in threads
    if reply_notifications is not None:
        if not isinstance(reply_notifications, bool):
            raise ValidationError("reply_notifications must be true or false", "invalid_preference")
        user.reply_notifications = reply_notifications
    db.session.commit()
    return user
