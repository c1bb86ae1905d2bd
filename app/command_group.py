"""The command groups of Parley's ``flask`` CLI."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.services.errors import DomainError


class CommandGroup(AppGroup):
    """An ``AppGroup`` whose commands end with a service's refusal as their error: a
    ``DomainError`` they let through prints ``Error: <its message>`` and exits with 1,
    instead of a traceback. Nested groups are covered by the outermost one."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(error.message) from None
