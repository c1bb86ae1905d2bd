"""``flask worker`` (the background job worker) and ``flask jobs`` (failed jobs, for admins)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from rq import SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry

from app.command_group import CommandGroup
from app.jobs import job_queue

jobs_cli = CommandGroup("jobs", help="Background jobs: failed ones, and retrying them.")


def require_queue():
    queue = job_queue()
    if queue is None:
        raise click.ClickException(
            "PARLEY_REDIS_URL is not set: jobs run inside the web process, no worker is needed"
        )
    return queue


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def run_worker(burst: bool) -> None:
    """Run background jobs from Redis until stopped (any number of workers may run)."""
    queue = require_queue()
    # One process, jobs one after another, inside this command's application context.
    # The scheduler moves retries whose back-off has passed back onto the queue.
    worker = SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=burst, with_scheduler=True)


@jobs_cli.command("failed")
def list_failed() -> None:
    """List jobs that failed after all their retries: id, task, when, last error line."""
    queue = require_queue()
    registry = FailedJobRegistry(queue=queue)
    ids = registry.get_job_ids()
    for job in Job.fetch_many(ids, connection=queue.connection):
        if job is None:
            continue
        error = (job.latest_result().exc_string if job.latest_result() else "") or ""
        last = error.strip().splitlines()[-1] if error.strip() else "?"
        ended = f"{job.ended_at:%Y-%m-%d %H:%M}" if job.ended_at else "-"
        click.echo(f"{job.id}\t{job.description}\t{ended}\t{last}")
    click.echo(f"{len(ids)} failed job(s)")


@jobs_cli.command("retry")
@click.argument("job_id")
def retry_failed(job_id: str) -> None:
    """Put a failed job back on the queue."""
    queue = require_queue()
    registry = FailedJobRegistry(queue=queue)
    if job_id not in registry.get_job_ids():
        raise click.ClickException(f"no failed job {job_id}")
    registry.requeue(job_id)
    click.echo(f"requeued {job_id}")


def register_jobs_cli(app: Flask) -> None:
    app.cli.add_command(run_worker)
    app.cli.add_command(jobs_cli)
