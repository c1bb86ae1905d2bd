"""Comment toxicity score

Each new or edited comment is scored from 0 to 1 (app.services.toxicity); NULL where it was
not scored (comments from before this revision, other languages, a scorer that failed).
Moderators sort the queues by it, most toxic first.

Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d4e8a1c0b7f2"
down_revision = "b8d41e7a2c90"


def upgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("toxicity", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("toxicity")
