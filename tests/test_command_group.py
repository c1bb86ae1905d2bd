"""Every ``flask`` command ends a service's refusal with ``Error: <message>``, never a traceback.

The groups are ``app.command_group.CommandGroup``s, which turn a ``DomainError`` into Click's
error; a group added as a plain ``AppGroup`` would let its commands' refusals escape.
"""

from __future__ import annotations

import click
import pytest

from app.command_group import CommandGroup


def parleys_groups(app) -> dict[str, click.Group]:
    """The top-level groups whose commands Parley defines (not Flask-Migrate's ``db``)."""
    return {
        name: command
        for name, command in app.cli.commands.items()
        if isinstance(command, click.Group)
        and any(
            (sub.callback.__module__ or "").startswith("app.")
            for sub in command.commands.values()
            if sub.callback is not None
        )
    }


def test_every_top_level_group_turns_refusals_into_errors(app):
    found = parleys_groups(app)
    assert {"sites", "users", "comments", "demo", "import", "jobs", "notifications"} <= set(found)
    plain = [name for name, group in found.items() if not isinstance(group, CommandGroup)]
    assert plain == []


@pytest.mark.parametrize(
    "args",
    [
        ("sites", "settings", "ghost"),  # a group's own command
        ("sites", "webhooks", "list", "ghost"),  # a nested group's command
        ("sites", "sso", "ghost", "--off"),
        ("users", "signout", "nobody@example.org"),
        ("export", "--site", "ghost"),  # a command of its own
    ],
)
def test_a_refusal_is_an_error_message_and_exit_status_1(runner, args):
    result = runner.invoke(args=list(args), catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
