"""``flask sites sso`` and ``flask users signout``: publisher sign-on keys, readers' sessions."""

from __future__ import annotations

import click

from app.cli import sites_cli, users_cli
from app.services import sso
from app.services import users as user_service
from app.services.sites import get_site
from app.services.user_sessions import end_sessions


@sites_cli.command("sso")
@click.argument("slug")
@click.option("--secret", help="A shared secret (HS256), at least 32 characters.")
@click.option("--kid", help="Key id of --secret: add it beside the others (rotation).")
@click.option("--remove-kid", help="Remove the shared secret with this key id.")
@click.option("--jwks-url", help="The publisher's JWKS URL (RS256/ES256 keys, chosen by kid).")
@click.option("--off", is_flag=True, help="Turn single sign-on off for the site.")
def site_sso(
    slug: str,
    secret: str | None,
    kid: str | None,
    remove_kid: str | None,
    jwks_url: str | None,
    off: bool,
):
    """Configure publisher single sign-on for site SLUG (docs/identity.md)."""
    if kid is not None and secret is None:
        raise click.BadParameter("--kid names the key id of --secret", param_hint="--kid")
    site = sso.configure(
        get_site(slug),
        secret=secret,
        kid=kid,
        remove_kid=remove_kid,
        jwks_url=jwks_url,
        off=off,
    )
    kids = [entry.get("kid") or "(no kid)" for entry in site.sso_secrets]
    click.echo(
        f"SSO for {site.slug}: shared secrets: {', '.join(kids) or '-'}; "
        f"JWKS: {site.sso_jwks_url or '-'}"
    )


@users_cli.command("signout")
@click.argument("email")
def sign_out_everywhere(email: str):
    """End every session of EMAIL's account (it must sign in again)."""
    user = user_service.get_user_by_email(email)
    click.echo(f"Ended {end_sessions(user)} session(s) of {user.email}")
