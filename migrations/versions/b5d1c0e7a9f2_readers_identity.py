"""Readers' identity: revocable sessions, verified addresses, publisher SSO readers

* ``user_sessions``: one row per signed-in session (dashboard or widget frame); the cookie
  holds a random token whose SHA-256 is stored here, so deleting the row ends the session.
* ``users.pending_email``: a new address asked for, until its verification link is followed.
* ``users.email`` becomes nullable: publisher SSO readers have no address of their own.
  Existing accounts were made by ``flask users create``, which counts as a verified address.
* ``users.sso_*``: the site and ``sub`` of an SSO reader (unique together), and the avatar and
  badge of their latest token. ``users.reply_notifications``: the reader's preference.
* ``users.totp_*``: staff one-time passwords (secret, when enabled, hashed recovery codes).
* ``sites.sso_secrets`` / ``sites.sso_jwks_url``: the keys a site's SSO tokens are checked with.

Create Date: 2026-12-01 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b5d1c0e7a9f2"
down_revision = "b5d1e0a7c3f2"


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sso_secrets", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column("sso_jwks_url", sa.String(length=2048), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("sso_site_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("sso_avatar_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("sso_badge", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                "reply_notifications", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "totp_recovery_hashes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")
            )
        )
        batch_op.alter_column("email", existing_type=sa.VARCHAR(length=254), nullable=True)
        batch_op.create_unique_constraint(
            batch_op.f("uq_users_sso_site_id_sso_subject"), ["sso_site_id", "sso_subject"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_users_sso_site_id_sites"),
            "sites",
            ["sso_site_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.execute("UPDATE users SET email_verified_at = created_at WHERE email IS NOT NULL")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.alter_column("sso_secrets", server_default=None)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("reply_notifications", server_default=None)
        batch_op.alter_column("totp_recovery_hashes", server_default=None)


def downgrade():
    op.execute("DELETE FROM users WHERE email IS NULL")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_sso_site_id_sites"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_users_sso_site_id_sso_subject"), type_="unique")
        batch_op.alter_column("email", existing_type=sa.VARCHAR(length=254), nullable=False)
        batch_op.drop_column("totp_recovery_hashes")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("reply_notifications")
        batch_op.drop_column("sso_badge")
        batch_op.drop_column("sso_avatar_url")
        batch_op.drop_column("sso_subject")
        batch_op.drop_column("sso_site_id")
        batch_op.drop_column("pending_email")
        batch_op.drop_column("email_verified_at")

    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("sso_jwks_url")
        batch_op.drop_column("sso_secrets")

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))

    op.drop_table("user_sessions")
