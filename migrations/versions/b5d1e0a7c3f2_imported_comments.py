"""Imported comments: their source's id and the format of their stored source

``comments.source_ref`` holds "<source>:<id in the source>" (``disqus:299619020``) for comments
brought in by ``flask import``, unique per article, so running the same import again adds
nothing. ``comments.body_format`` says whether ``body_source`` is Markdown (typed in Parley;
every existing comment) or HTML (imported from a source that stored HTML), so re-rendering
uses the right sanitizer path.

Create Date: 2026-12-01 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b5d1e0a7c3f2"
down_revision = "d4e8a1c0b7f2"


def upgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "body_format",
                sa.Enum("markdown", "html", name="bodyformat", native_enum=False, length=16),
                server_default="markdown",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("source_ref", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_comments_article_id_source_ref"), ["article_id", "source_ref"]
        )


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_comments_article_id_source_ref"), type_="unique")
        batch_op.drop_column("source_ref")
        batch_op.drop_column("body_format")
