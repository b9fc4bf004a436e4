"""The sandbox's secret key: generated once per checkout in development, and a real one required with DEBUG off."""

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PUBLISHED = "sandbox-insecure-dev-key-change-me"
SECRET = "a-real-secret-from-the-environment-" + "x" * 30


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Imports the sandbox's settings in a fresh process, as a server starting would, and prints the key."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SECRET_KEY_FILE"}}
    clean.setdefault("SECRET_KEY_FILE", str(tmp_path / ".secret_key"))
    return subprocess.run(
        [sys.executable, "-c", "import sandbox.settings as s; print(s.SECRET_KEY)"],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_first_run_generates_a_key_only_its_owner_can_read_and_keeps_it(tmp_path):
    first, second = start(tmp_path), start(tmp_path)
    key_file = tmp_path / ".secret_key"
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and key != PUBLISHED
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert second.stdout.strip() == key


def test_two_checkouts_get_different_keys(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = start(tmp_path, SECRET_KEY_FILE=str(tmp_path / "a" / "key")).stdout
    other = start(tmp_path, SECRET_KEY_FILE=str(tmp_path / "b" / "key")).stdout
    assert one.strip() and one != other


def test_the_environment_key_wins(tmp_path):
    started = start(tmp_path, SECRET_KEY=SECRET)
    assert started.stdout.strip() == SECRET
    assert not (tmp_path / ".secret_key").exists()


def test_debug_off_without_a_key_refuses_to_start(tmp_path):
    started = start(tmp_path, DEBUG="0")
    assert started.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY when DEBUG is off" in started.stderr
    assert not (tmp_path / ".secret_key").exists()


def test_debug_off_with_the_published_key_refuses_to_start(tmp_path):
    started = start(tmp_path, DEBUG="0", SECRET_KEY=PUBLISHED)
    assert started.returncode != 0 and "SECRET_KEY is a development key" in started.stderr


def test_debug_off_with_the_generated_key_refuses_to_start(tmp_path):
    generated = start(tmp_path).stdout.strip()
    started = start(tmp_path, DEBUG="0", SECRET_KEY=generated)
    assert started.returncode != 0 and "SECRET_KEY is a development key" in started.stderr


def test_debug_off_with_a_key_of_its_own_starts(tmp_path):
    started = start(tmp_path, DEBUG="0", SECRET_KEY=SECRET)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == SECRET


def test_the_generated_key_stays_out_of_git():
    ignored = subprocess.run(["git", "check-ignore", "sandbox/.secret_key"], cwd=REPO, capture_output=True)
    assert ignored.returncode == 0
