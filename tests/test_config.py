"""Configuration from the environment, with safe defaults."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.config import build_config, load_secret_key
from tests.private_servers import free_port


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("PARLEY_SECRET_KEY", raising=False)
    first = load_secret_key(tmp_path)
    assert len(first) == 64
    assert load_secret_key(tmp_path) == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_SECRET_KEY", "from-env")
    monkeypatch.setenv("PARLEY_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("PARLEY_RATE_LIMITS", "off")
    monkeypatch.setenv("PARLEY_REDIS_URL", "redis://127.0.0.1:6379/3")
    config = build_config(tmp_path)
    assert config["SECRET_KEY"] == "from-env"
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["RATELIMIT_ENABLED"] is False
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_default_database_is_sqlite_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.setenv("PARLEY_SECRET_KEY", "x")
    assert build_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'parley.sqlite3'}"
    )


def test_bad_switch_value_is_a_startup_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_SECRET_KEY", "x")
    monkeypatch.setenv("PARLEY_RATE_LIMITS", "sometimes")
    with pytest.raises(RuntimeError, match="PARLEY_RATE_LIMITS"):
        build_config(tmp_path)


def test_client_address_comes_from_trusted_proxies_only(tmp_path):
    from app import create_app

    def remote_addr(hops):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                "SECRET_KEY": "x",
                "PARLEY_TRUSTED_PROXIES": hops,
            }
        )

        @app.get("/_ip")
        def ip():
            from flask import request

            return request.remote_addr

        forwarded = {"X-Forwarded-For": "198.51.100.7"}
        return app.test_client().get("/_ip", headers=forwarded).get_data(as_text=True)

    assert remote_addr(0) == "127.0.0.1"
    assert remote_addr(1) == "198.51.100.7"


def test_ip_keys_are_keyed_hashes_that_do_not_reveal_the_address():
    import hashlib

    from app.services.identity import Viewer, hash_ip

    key = hash_ip("203.0.113.5", "secret-one")
    assert key == hash_ip("203.0.113.5", "secret-one")
    assert key != hash_ip("203.0.113.5", "secret-two")
    assert key != hashlib.sha256(b"203.0.113.5").hexdigest()[:32]
    assert Viewer(ip="203.0.113.5", ip_key=key).actor_key == f"ip:{key}"


def test_an_app_given_its_secret_key_writes_no_key_file(tmp_path, monkeypatch):
    from app import PROJECT_ROOT, create_app

    monkeypatch.delenv("PARLEY_SECRET_KEY", raising=False)
    key_file = PROJECT_ROOT / "instance" / "secret_key"

    def key_on_disk() -> str | None:
        return key_file.read_text() if key_file.exists() else None

    before = key_on_disk()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "x"}
    )
    assert app.secret_key == "x"
    assert key_on_disk() == before  # not created, not rewritten


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    """gunicorn.conf.py as gunicorn reads it, with ``env`` (and only it) of Parley's settings."""
    import runpy
    from pathlib import Path

    for name in ("WEB_CONCURRENCY", "PARLEY_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    return runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))


def test_gunicorn_runs_one_worker_unless_redis_shares_the_live_events(monkeypatch):
    assert gunicorn_settings(monkeypatch)["workers"] == 1
    shared = gunicorn_settings(monkeypatch, PARLEY_REDIS_URL="redis://127.0.0.1:6379/0")
    assert shared["workers"] == 4
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_the_demo_serves_with_gunicorn_conf_py_and_leaves_it_the_number_of_workers():
    """make run has no Redis: a second worker's live streams would miss the first's comments."""
    from app.demo.serve import CONFIG, gunicorn_command

    command = gunicorn_command(5000)
    assert command[command.index("--config") + 1] == str(CONFIG) and CONFIG.is_file()
    assert "--workers" not in command and "-w" not in command


@pytest.mark.parametrize("workers", [1, 2])
def test_gunicorn_warns_when_several_workers_run_without_redis(workers, tmp_path):
    """The master's warning comes before any worker loads the app: read it, then stop."""
    root = Path(__file__).resolve().parent.parent
    log = tmp_path / "gunicorn.log"
    env = {k: v for k, v in os.environ.items() if k not in ("PARLEY_REDIS_URL", "WEB_CONCURRENCY")}
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{free_port()}", "--workers", str(workers)]
    command += ["--error-logfile", str(log), "wsgi:app"]
    master = subprocess.Popen(command, cwd=root, env=env, start_new_session=True)
    try:
        for _ in range(100):
            if log.exists() and "Booting worker" in log.read_text():
                break
            time.sleep(0.1)
    finally:
        os.killpg(master.pid, signal.SIGKILL)
        master.wait(timeout=10)
    text = log.read_text()
    assert "Booting worker" in text, text
    assert ("workers without PARLEY_REDIS_URL" in text) == (workers > 1), text
