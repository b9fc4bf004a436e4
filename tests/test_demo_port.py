"""``make demo PORT=8001``: the server and the confirmation links in its messages share the port."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def demo_commands(tmp_path: Path, *args: str, **env: str) -> list[tuple[str, str]]:
    """What ``make demo`` runs, as ``(COD_PUBLIC_BASE_URL, arguments)``, with a Python that only writes them down."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    log, python, venv = tmp_path / "log", tmp_path / "python", tmp_path / "venv"
    python.write_text(f'#!/bin/sh\necho "$COD_PUBLIC_BASE_URL|$*" >> {log}\n')
    python.chmod(0o755)
    venv.mkdir()
    (venv / ".installed").touch()  # newer than pyproject.toml: nothing to install
    clean = {k: v for k, v in os.environ.items() if k not in {"COD_PUBLIC_BASE_URL", "PORT", "MAKEFLAGS"}}
    subprocess.run(
        ["make", "-s", "demo", f"PY={python}", f"VENV={venv}", *args],
        cwd=REPO,
        env={**clean, **env},
        check=True,
        capture_output=True,
        timeout=60,
    )
    return [tuple(line.split("|", 1)) for line in log.read_text().splitlines()]


def test_the_links_follow_the_port(tmp_path):
    commands = demo_commands(tmp_path, "PORT=8001")
    assert commands[-1] == ("http://127.0.0.1:8001", "sandbox/manage.py runserver 127.0.0.1:8001")
    # the demo orders placed before the server starts send their messages with the same links
    assert {url for url, _ in commands} == {"http://127.0.0.1:8001"}


def test_the_port_from_the_environment_too(tmp_path):
    commands = demo_commands(tmp_path, PORT="8002")
    assert commands[-1] == ("http://127.0.0.1:8002", "sandbox/manage.py runserver 127.0.0.1:8002")


def test_a_public_address_of_its_own_is_kept(tmp_path):
    commands = demo_commands(tmp_path, "PORT=8001", COD_PUBLIC_BASE_URL="https://shop.example.com")
    assert {url for url, _ in commands} == {"https://shop.example.com"}
