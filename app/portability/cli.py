"""``flask import SOURCE FILE --site SLUG`` and ``flask export --site SLUG``.

Every failure ends with one line on stderr ("Error: FILE, line 12, column 3: malformed XML
(...)") and exit status 1, and nothing of that run stays in the database.
"""

from __future__ import annotations

import gzip
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from app.command_group import CommandGroup
from app.portability import disqus, export, isso, parley_format, remark42, wordpress
from app.portability.progress import Progress
from app.portability.records import ImportFailure
from app.portability.summary import describe
from app.portability.writer import ImportRun
from app.services.errors import DomainError
from app.services.sites import get_site

import_cli = CommandGroup("import", help="Import comments into a site (see docs/migrating.md).")

FILE_SOURCES: dict[str, tuple[Callable[[IO[bytes], str], Iterator], str]] = {
    "disqus": (disqus.read, "a Disqus XML export (.xml or .xml.gz)"),
    "wordpress": (wordpress.read, "a WordPress export, WXR (.xml or .xml.gz)"),
    "remark42": (remark42.read, "a Remark42 backup file (gzipped or not)"),
    "parley": (parley_format.read, "a Parley export (flask export)"),
}


@contextmanager
def open_input(path: str) -> Iterator[tuple[IO[bytes], IO[bytes], int]]:
    """The file for reading (gunzipped when it is gzip), the raw file and its size."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise click.ClickException(f"{path}: cannot read it ({error.strerror})") from None
    with raw:
        size = os.fstat(raw.fileno()).st_size
        if raw.read(2) == b"\x1f\x8b":
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unzipped:
                yield unzipped, raw, size
        else:
            raw.seek(0)
            yield raw, raw, size


def import_records(source: str, slug: str, records: Iterator, progress: Progress) -> None:
    """Run the import of ``records`` into site ``slug`` and print the summary."""
    try:
        site = get_site(slug)
        summary = ImportRun(site, source, on_progress=progress.update).run(records)
    except (ImportFailure, DomainError) as error:
        raise click.ClickException(str(getattr(error, "message", error))) from None
    except (EOFError, gzip.BadGzipFile, OSError) as error:
        message = f"{progress.label}: the file is cut short or damaged ({error})"
        raise click.ClickException(message) from None
    except SQLAlchemyError as error:
        first_line = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
        raise click.ClickException(f"the database refused the import: {first_line}") from None
    finally:
        progress.close()
    click.echo(describe(summary))


def file_command(source: str, reader, what: str) -> None:
    @import_cli.command(source, help=f"Import FILE, {what}, into site SLUG.")
    @click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
    @click.option("--site", "slug", required=True, metavar="SLUG", help="The site to import into.")
    def command(path: str, slug: str) -> None:
        with open_input(path) as (handle, raw, size):
            progress = Progress(path, size, raw.tell)
            import_records(source, slug, reader(handle, path), progress)


for _source, (_reader, _what) in FILE_SOURCES.items():
    file_command(_source, _reader, _what)


@import_cli.command("isso", help="Import SQLITE_FILE, an Isso database, into site SLUG.")
@click.argument("path", metavar="SQLITE_FILE", type=click.Path(dir_okay=False))
@click.option("--site", "slug", required=True, metavar="SLUG", help="The site to import into.")
def import_isso(path: str, slug: str) -> None:
    try:
        reader = isso.IssoReader(path)
    except ImportFailure as error:
        raise click.ClickException(str(error)) from None
    progress = Progress(path, reader.total, reader.position)
    import_records("isso", slug, reader.read(), progress)


@click.command("export")
@with_appcontext
@click.option("--site", "slug", required=True, metavar="SLUG", help="The site to export.")
@click.option(
    "--output", metavar="FILE", type=click.Path(dir_okay=False), help="Write here, not stdout."
)
@click.option(
    "--include-emails", is_flag=True, help="Include authors' and accounts' e-mail addresses."
)
def export_command(slug: str, output: str | None, include_emails: bool) -> None:
    """Write site SLUG as one JSON document (docs/export.schema.json)."""
    try:  # a command of its own, in no CommandGroup
        site = get_site(slug)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    progress = Progress(output or "export")
    if output is None:
        export.write_site(site, sys.stdout.buffer, include_emails, progress.update)
        progress.close()
        return
    partial = f"{output}.partial"
    try:
        with open(partial, "wb") as handle:
            counts = export.write_site(site, handle, include_emails, progress.update)
        os.replace(partial, output)
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write it ({error.strerror})") from None
    finally:
        progress.close()
        if os.path.exists(partial):
            os.remove(partial)
    click.echo(
        f"Exported site {site.slug} to {output}: "
        + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
    )


def register_portability_cli(app) -> None:
    app.cli.add_command(import_cli)
    app.cli.add_command(export_command)
