"""Background jobs (app.jobs): in the web process after the response without Redis; through
Redis and ``flask worker`` with it, idempotent by key, retried, failures listed for admins."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from rq import SimpleWorker
from rq.registry import FailedJobRegistry

from app.jobs import enqueue, enqueue_in, job_queue
from tests.conftest import REDIS_URL, require_or_skip
from tests.job_tasks import note, refuse


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_without_redis_a_job_runs_after_the_response(app, tmp_path):
    out = tmp_path / "out.txt"

    def view():
        enqueue(note, str(out), "sent")
        return {"before_response": lines(out)}

    app.add_url_rule("/test-enqueue", "test_enqueue", view)
    client = app.test_client()
    response = client.get("/test-enqueue")
    assert response.get_json() == {"before_response": []}
    response.close()
    assert lines(out) == ["sent"]


def test_without_redis_a_failing_job_is_retried_then_logged(app, tmp_path, caplog):
    out = tmp_path / "out.txt"
    with app.app_context():
        enqueue(refuse, str(out))
    assert lines(out) == ["attempt"] * 3
    assert "the mail server said no" in caplog.text


@pytest.fixture
def redis_app(app):
    if not REDIS_URL:
        require_or_skip("job tests need PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    redis.Redis.from_url(REDIS_URL).flushdb()  # the tests' own Redis database
    from app.redis_store import init_redis

    app.config.update(PARLEY_REDIS_URL=REDIS_URL, PARLEY_JOB_RETRY_INTERVALS=[0, 0])
    init_redis(app)
    return app


def test_with_redis_jobs_wait_for_the_worker_and_a_key_enqueues_once(redis_app, tmp_path):
    out = tmp_path / "out.txt"
    with redis_app.app_context():
        enqueue(note, str(out), "reply mail", key="reply-mail:1")
        enqueue(note, str(out), "reply mail", key="reply-mail:1")
        enqueue(note, str(out), "other mail", key="reply-mail:2")
        assert job_queue().count == 2
    assert lines(out) == []
    result = redis_app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert sorted(lines(out)) == ["other mail", "reply mail"]


def test_with_redis_a_failing_job_is_retried_then_listed_for_admins(redis_app, tmp_path):
    out = tmp_path / "out.txt"
    runner = redis_app.test_cli_runner()
    with redis_app.app_context():
        enqueue(refuse, str(out), key="webhook:7")
    assert runner.invoke(args=["worker", "--burst"]).exit_code == 0
    assert lines(out) == ["attempt"] * 3  # the first try and two retries
    with redis_app.app_context():
        assert FailedJobRegistry(queue=job_queue()).get_job_ids() == ["webhook_7"]
    listed = runner.invoke(args=["jobs", "failed"])
    assert listed.exit_code == 0
    assert "webhook_7\ttests.job_tasks:refuse" in listed.output
    assert "RuntimeError: the mail server said no" in listed.output
    assert "1 failed job(s)" in listed.output
    again = runner.invoke(args=["jobs", "retry", "webhook_7"])
    assert again.exit_code == 0, again.output
    with redis_app.app_context():
        assert job_queue().count == 1


def test_worker_without_redis_says_none_is_needed(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "no worker is needed" in result.output


def test_a_delayed_job_waits_for_its_time_then_runs_once(redis_app, tmp_path):
    out = tmp_path / "out.txt"
    with redis_app.app_context():
        assert enqueue_in(1, note, str(out), "later", key="digest:1") is True
        assert enqueue_in(1, note, str(out), "later", key="digest:1") is True
        queue = job_queue()
        assert len(queue) == 0  # scheduled, not yet waiting
        time.sleep(1.2)
        worker = SimpleWorker([queue], connection=queue.connection)
        worker.work(burst=True, with_scheduler=True)
        worker.work(burst=True)
    assert out.read_text() == "later\n"


def test_without_redis_a_delayed_job_is_refused(app):
    with app.app_context():
        assert enqueue_in(1, note, "/nonexistent", "x") is False


def test_a_job_may_bring_its_own_back_off(redis_app, tmp_path):
    redis_app.config.pop("PARLEY_JOB_RETRY_INTERVALS")
    with redis_app.app_context():
        enqueue(note, str(tmp_path / "x"), "x", key="own-back-off", retry_intervals=[5, 30, 120])
        enqueue(note, str(tmp_path / "y"), "y", key="default-back-off")
        queue = job_queue()
        own = queue.fetch_job("own-back-off")
        default = queue.fetch_job("default-back-off")
    assert (own.retries_left, own.retry_intervals) == (3, [5, 30, 120])
    assert default.retries_left == 3 and default.retry_intervals == [10, 60, 300]
