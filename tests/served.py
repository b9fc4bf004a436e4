"""A host served in a process of its own, as a store owner runs it: its own settings and a fresh SQLite file.

For tests whose host's settings are not the settings of the test run (the oscar shop) or that need real processes
(the SQLite burst)."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def manage(path: str) -> list[str]:
    """The command line of a host's ``manage.py`` (a path from the repository's root)."""
    return [sys.executable, str(ROOT / path)]


def run(env: dict, *args: str) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def environment(folder: Path, settings_module: str) -> dict:
    """This process's environment with the host's settings, a SQLite file and a media folder in ``folder``, and
    eager tasks (no broker)."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CACHE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        CELERY_BROKER_URL="",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE=settings_module,
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(command: list[str], env: dict, *, port: int, ready_path: str = "/"):
    """Run the server ``command`` (listening on ``port``) until the block ends; yields its URL once it answers."""
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + ready_path, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # requests still hanging: no graceful end to wait for
            server.kill()
            server.wait()


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read()[-3000:]
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:  # not listening yet, or not answering yet
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 60 s")
