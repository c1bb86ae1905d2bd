"""Production at scale: a per-article version for caches and ETags

``articles.version`` is bumped in the same transaction as every change readers can see
(app.services.freshness), so every process keys its cached thread pages and ETags by it.

Create Date: 2026-12-01 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b4d7e1c2a9f0"
down_revision = "b5d1c0e7a9f2"


def upgrade():
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("version")
