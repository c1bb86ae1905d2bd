"""Trust on one site; who reports and votes count as; articles' first comment

site_trusted_authors: a moderator limited to some sites used to mark an account trusted everywhere, so its comments
skipped pre-moderation on sites that moderator has no say on. Trust they grant now lives in
this table, one row per (account, site); ``users.trusted`` stays the trust on every site that
admins and all-site moderators grant. Existing trust is kept as it is (everywhere).

reports.counted_as, votes.counted_as: one anonymous client could mint guest identities by
reloading the frame and hide any comment with three reports, or stuff votes. Each report and vote
now records who it counts as (an account, or a guest's address); thresholds and scores count
those. Older rows keep NULL, which counts as the reporter or voter itself.

articles.first_comment_at: close_after_days counted from when an article was first seen, which
any request could set early (a reaction, or a post long before the article was published). It
now counts from the first comment; existing articles get their first comment's time.

Create Date: 2026-12-01 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b8d41e7a2c90"
down_revision = "7c1e2f9a4b3d"


def upgrade():
    op.create_table(
        "site_trusted_authors",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_trusted_authors_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_site_trusted_authors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "site_id", name=op.f("pk_site_trusted_authors")),
    )
    for table in ("reports", "votes"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("counted_as", sa.String(length=80), nullable=True))
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_comment_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE articles SET first_comment_at = "
        "(SELECT min(comments.created_at) FROM comments WHERE comments.article_id = articles.id)"
    )


def downgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("first_comment_at")
    for table in ("votes", "reports"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("counted_as")
    op.drop_table("site_trusted_authors")
