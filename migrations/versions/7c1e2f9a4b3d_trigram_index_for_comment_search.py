"""Trigram index for moderators' comment search (PostgreSQL only)

The dashboard's text search is ``lower(body_source) LIKE '%term%'``: without an index it reads
every comment (about 75 ms per 13,000 comments here, and growing with the table). A GIN
trigram index answers it in about a millisecond. It needs the pg_trgm extension; where the
database user may not create it, the migration goes on without the index and search scans.
SQLite has no such index and keeps scanning (fast enough for its sizes).

Create Date: 2026-11-25 20:55:00

"""

from alembic import op

revision = "7c1e2f9a4b3d"
down_revision = "0369fa00a7c6"

INDEX = "pg_ix_comments_body_trgm"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
            RAISE NOTICE 'pg_trgm is not available: comment search will scan the table';
        END $$;
        """
    )
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                CREATE INDEX IF NOT EXISTS pg_ix_comments_body_trgm
                    ON comments USING gin (lower(body_source) gin_trgm_ops);
            END IF;
        END $$;
        """
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
