"""``flask sites``, ``flask users``, ``flask comments`` and ``flask demo`` commands."""

from __future__ import annotations

import json
import secrets

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.command_group import CommandGroup
from app.extensions import db
from app.models import Role, Site, User
from app.portability.cli import register_portability_cli
from app.services import guest_data, recount
from app.services import site_settings as settings_service
from app.services import sites as site_service
from app.services import users as user_service
from app.services.comments import rerender_all
from app.services.user_sessions import revoke_api_tokens

sites_cli = CommandGroup("sites", help="Manage sites (publishers).")
users_cli = CommandGroup("users", help="Manage accounts and API tokens.")
comments_cli = CommandGroup("comments", help="Maintenance of stored comments.")
demo_cli = CommandGroup("demo", help="The demo site served by make run.")


@sites_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Display name of the site.")
@click.option("--origin", "origins", multiple=True, help="Origin allowed to embed the widget.")
@click.option("--premod", is_flag=True, help="Hold every comment for moderation.")
@click.option("--no-guests", is_flag=True, help="Only signed-in readers may comment.")
def create_site(slug: str, name: str, origins: tuple[str, ...], premod: bool, no_guests: bool):
    """Create a site identified by SLUG."""
    site = site_service.create_site(slug, name, origins, premod=premod, allow_guests=not no_guests)
    click.echo(f"Created site {site.slug} ({site.name}); origins: {', '.join(site.origins) or '-'}")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--password", required=True, help="Password for signing in.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.READER.value,
    show_default=True,
)
@click.option("--site", "sites", multiple=True, help="Limit a moderator to this site (repeatable).")
def create_user(email: str, name: str, password: str, role: str, sites: tuple[str, ...]):
    """Create an account for EMAIL."""
    user = user_service.create_user(email, name, password, role, sites)
    scope = ", ".join(s.slug for s in user.moderated_sites) or "all sites"
    suffix = f" on {scope}" if user.role == Role.MODERATOR else ""
    click.echo(f"Created {user.role.value} {user.email}{suffix}")


@users_cli.command("token")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Revoke every API token of EMAIL instead.")
def create_token(email: str, revoke: bool):
    """Print a new API token for EMAIL (alone on the last line), or revoke its tokens."""
    user = user_service.get_user_by_email(email)
    if revoke:
        click.echo(f"Revoked {revoke_api_tokens(user)} API token(s) of {user.email}")
        return
    token = user_service.issue_token(user)
    click.echo(token)


def _setting_value(raw: str):
    """A setting's value from the command line: JSON if it parses (2, true, null, ["a"]),
    else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@sites_cli.command("settings")
@click.argument("slug")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Change a setting, e.g. --set max_links=2 --set banned_words='[\"casino\"]'.",
)
def site_settings(slug: str, assignments: tuple[str, ...]):
    """Show the moderation settings of site SLUG, or change some (see docs/moderation.md)."""
    changes = {}
    for assignment in assignments:
        name, sep, raw = assignment.partition("=")
        if not sep:
            raise click.BadParameter(f"{assignment!r} is not NAME=VALUE", param_hint="--set")
        changes[name.strip()] = _setting_value(raw)
    if changes:
        values = settings_service.apply_site_settings(slug, changes, None)
    else:
        values = settings_service.all_settings(site_service.get_site(slug))
    for name, value in values.items():
        click.echo(f"{name} = {json.dumps(value, ensure_ascii=False)}")


@comments_cli.command("rerender")
def rerender():
    """Re-render every comment's HTML from its Markdown source with the current sanitizer."""
    count = rerender_all()
    click.echo(f"Re-rendered {count} comments")


@comments_cli.command("erase-guest")
@click.argument("email")
def erase_guest(email):
    """Erase what Parley holds about the guest who commented with EMAIL (docs/identity.md)."""
    done = guest_data.erase_guest(email)
    click.echo(
        f"Erased the address, IP address and name of {done.comments} comments "
        f"({done.removed} removed by their site's setting); ended {done.subscriptions} "
        f"reply e-mail subscriptions; deleted {done.votes} votes, {done.reactions} reactions "
        f"and {done.reports} reports"
    )


@comments_cli.command("forget-ips")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0, max=36500),
    required=True,
    help="Clear the IP address of comments posted more than DAYS days ago.",
)
def forget_ips(days):
    """Clear the IP address of old comments (run it daily for a retention period)."""
    count = guest_data.forget_ips(days)
    click.echo(f"Forgot the IP address of {count} comments older than {days} days")


@comments_cli.command("recount")
@click.option("--site", "site_slug", help="Only this site's articles and comments.")
def recount_counts(site_slug):
    """Set articles' comment counts and comments' scores again from what they count."""
    done = recount.recount(site_slug)
    click.echo(
        f"Recounted {done.articles} articles and the scores of {done.comments} comments: "
        f"{done.wrong_counts} comment counts and {done.wrong_scores} scores were wrong "
        "and are now right"
    )


DEMO_MODERATOR = "moderator@demo.parley.local"


@demo_cli.command("setup")
@click.option("--port", default=5000, show_default=True)
def demo_setup(port: int):
    """Create the demo site and moderator if missing, and print how to sign in."""
    origins = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    site = db.session.scalar(select(Site).where(Site.slug == "demo"))
    if site is None:
        site = site_service.create_site("demo", "The Daily Parley", origins)
    password_file = current_app.instance_path + "/demo-moderator-password"
    user = db.session.scalar(select(User).where(User.email == DEMO_MODERATOR))
    if user is None:
        password = secrets.token_urlsafe(12)
        user_service.create_user(DEMO_MODERATOR, "Demo Moderator", password, Role.MODERATOR)
        with open(password_file, "w") as handle:
            handle.write(password)
    else:
        try:
            with open(password_file) as handle:
                password = handle.read().strip()
        except FileNotFoundError:
            # The file was removed: give the demo moderator a new password and keep it.
            password = secrets.token_urlsafe(12)
            user_service.set_password(user, password)
            with open(password_file, "w") as handle:
                handle.write(password)
    click.echo(f"Demo article:   http://127.0.0.1:{port}/")
    click.echo(f"Moderator:      http://localhost:{port}/auth/login")
    click.echo(f"  email:        {DEMO_MODERATOR}")
    click.echo(f"  password:     {password}")


def register_cli(app: Flask) -> None:
    from app import identity_cli, webhooks_cli  # noqa: F401  (add commands to the groups above)

    for group in (sites_cli, users_cli, comments_cli, demo_cli):
        app.cli.add_command(group)
    register_portability_cli(app)
