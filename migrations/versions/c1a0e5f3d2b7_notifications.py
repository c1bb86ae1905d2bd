"""Reply e-mails and author alerts: guests' opt-ins, batches, and what was sent

* ``reply_subscriptions``: a guest's request for reply e-mails on one comment, effective once
  the confirmation link is followed (double opt-in), ended by unsubscribing;
* ``reply_mail_batches``: per recipient key (never an address) and thread, when it was last
  mailed (batching);
* ``reply_notices``: each announced reply, unique, so nothing is mailed twice;
* ``author_alerts``: held comments whose author was told of the approval;
* ``moderator_alerts`` / ``moderator_alert_items``: moderators' alert frequency per site, and
  the queue items each was told about (immediately or in a digest).

Create Date: 2026-12-02 01:02:19.939129

"""

import sqlalchemy as sa
from alembic import op

revision = "c1a0e5f3d2b7"
down_revision = "b4d7e1c2a9f0"


def upgrade():
    op.create_table(
        "reply_mail_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_mail_batches")),
        sa.UniqueConstraint(
            "recipient", "thread_id", name=op.f("uq_reply_mail_batches_recipient_thread_id")
        ),
    )
    op.create_table(
        "author_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_author_alerts_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author_alerts")),
        sa.UniqueConstraint("comment_id", name=op.f("uq_author_alerts_comment_id")),
    )
    op.create_table(
        "reply_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["reply_mail_batches.id"],
            name=op.f("fk_reply_notices_batch_id_reply_mail_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["comments.id"],
            name=op.f("fk_reply_notices_reply_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_notices")),
        sa.UniqueConstraint("reply_id", name=op.f("uq_reply_notices_reply_id")),
    )
    with op.batch_alter_table("reply_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_notices_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "reply_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmation_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_reply_subscriptions_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_subscriptions")),
        sa.UniqueConstraint("comment_id", name=op.f("uq_reply_subscriptions_comment_id")),
    )
    with op.batch_alter_table("reply_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_subscriptions_email"), ["email"], unique=False)

    op.create_table(
        "moderator_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_moderator_alerts_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_moderator_alerts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_alerts")),
        sa.UniqueConstraint("user_id", "site_id", name=op.f("uq_moderator_alerts_user_id_site_id")),
    )
    op.create_table(
        "moderator_alert_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["moderator_alerts.id"],
            name=op.f("fk_moderator_alert_items_alert_id_moderator_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_moderator_alert_items_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_alert_items")),
        sa.UniqueConstraint(
            "alert_id",
            "comment_id",
            "queue",
            name=op.f("uq_moderator_alert_items_alert_id_comment_id_queue"),
        ),
    )
    with op.batch_alter_table("moderator_alert_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderator_alert_items_alert_id"), ["alert_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("moderator_alert_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderator_alert_items_alert_id"))

    op.drop_table("moderator_alert_items")
    op.drop_table("moderator_alerts")
    with op.batch_alter_table("reply_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_subscriptions_email"))

    op.drop_table("reply_subscriptions")
    with op.batch_alter_table("reply_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_notices_batch_id"))

    op.drop_table("reply_notices")
    op.drop_table("author_alerts")
    op.drop_table("reply_mail_batches")
