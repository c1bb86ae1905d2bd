"""``make run`` serves the demo with gunicorn (no development-server warning) and stops
cleanly: Ctrl-C in its terminal, or SIGTERM to the server, ends make with status 0.

The project is linked into a temporary folder (same code, same virtualenv) so the demo's
database and instance files stay there; make runs in a pseudo-terminal, as in a shell.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from tests.private_servers import free_port

ROOT = Path(__file__).resolve().parents[1]
LINKED = ("app", "templates", "migrations", "wsgi.py", "pyproject.toml", ".venv")


@pytest.fixture
def project(tmp_path) -> Path:
    if not (ROOT / ".venv" / ".installed").exists() or shutil.which("make") is None:
        pytest.skip("needs make and the project's virtualenv (make install)")
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    os.utime(tmp_path / "Makefile")
    return tmp_path


class Terminal:
    """``make run`` in a pseudo-terminal: its output, its foreground group, its end."""

    def __init__(self, project: Path, port: int) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PARLEY_", "FLASK_", "MAKE", "MFLAGS"))
        }
        env.update(PARLEY_SECRET_KEY="make-run-test", PARLEY_RATE_LIMITS="off", TERM="dumb")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: make, with the pseudo-terminal as its terminal
            os.chdir(project)
            os.execvpe("make", ["make", "--no-print-directory", "run", f"PORT={port}"], env)  # noqa: S606
        self.output = b""

    def read(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.output += chunk

    def wait_until_serving(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.read(0.3)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    assert page.status == 200
                    return
            except OSError:
                continue
        raise AssertionError(self.text())

    def exit_status(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.read(0.2)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.read(0.5)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("make run did not stop:\n" + self.text())

    def text(self) -> str:
        return self.output.decode(errors="replace")


def check_clean(terminal: Terminal) -> None:
    # Judged from the end of the installation on: pip may warn about the machine's own package
    # index settings (e.g. a configured find-links folder that does not exist), which is not
    # make run's doing.
    text = terminal.text().split(".installed", 1)[-1]
    assert "gunicorn" in text.lower() or "Listening at" in text, text
    for sign in ("development server", "WARNING", "Error 143", "Interrupt", "Terminated", "***"):
        assert sign not in text, text


def test_ctrl_c_in_the_terminal_stops_make_run_with_status_0(project):
    port = free_port()
    terminal = Terminal(project, port)
    terminal.wait_until_serving(port)
    os.write(terminal.fd, b"\x03")  # Ctrl-C, as typed: the terminal signals its foreground
    assert terminal.exit_status() == 0, terminal.text()
    check_clean(terminal)
    assert (project / "instance").is_dir()  # the demo's files stayed in the linked project


def test_sigterm_to_the_server_stops_make_run_with_status_0(project):
    port = free_port()
    terminal = Terminal(project, port)
    terminal.wait_until_serving(port)
    os.killpg(os.tcgetpgrp(terminal.fd), signal.SIGTERM)  # the server: what a supervisor stops
    assert terminal.exit_status() == 0, terminal.text()
    check_clean(terminal)


def test_the_readmes_admin_command_makes_an_admin_from_the_virtualenv(project):
    """README "Making an admin": its command, run as written from the project folder (after
    the schema exists, as ``make run`` leaves it), makes an admin."""
    import re
    import shlex
    import sqlite3
    import subprocess

    readme = (ROOT / "README.md").read_text()
    (command,) = re.findall(
        r"^\.venv/bin/flask --app wsgi users create .*--role admin$", readme, re.M
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "FLASK_"))}
    env["PARLEY_SECRET_KEY"] = "readme-test"
    flask = [str(project / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    for args in ([*flask, "db", "upgrade"], shlex.split(command)):
        done = subprocess.run(  # noqa: S603 - the project's own commands
            args, cwd=project, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(project / "instance" / "parley.sqlite3") as db:
        rows = db.execute("SELECT name, role FROM users WHERE email = 'you@example.org'").fetchall()
    assert rows == [("Your Name", "admin")]
