"""The sandbox's SECRET_KEY: the environment's, or one generated for this checkout on its first run.

Bearer tokens and the admin's sessions are signed with it, so a key anyone can read would let anyone forge a staff
token. A generated key is kept in a file only its owner can read; it is a development key all the same (it lives
beside the code), and with DEBUG off only a key from the environment is accepted.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

# Published in this project's history as the default: refused wherever DEBUG is off.
PUBLISHED_KEYS = frozenset({"sandbox-insecure-dev-key-change-me"})


def secret_key(*, debug: bool, env: dict, key_file: Path) -> str:
    key = env.get("SECRET_KEY", "")
    if not debug:
        if not key:
            raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off: a generated development key is refused.")
        if key in PUBLISHED_KEYS or key == _read(key_file):
            raise ImproperlyConfigured("SECRET_KEY is a development key: set a secret one when DEBUG is off.")
        return key
    return key or generated_key(key_file)


def generated_key(path: Path) -> str:
    """The key in ``path``, written there first (mode 0600) when missing; two processes starting at once agree."""
    if not path.exists():
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(get_random_secret_key())
        try:
            os.link(draft, path)  # whole or not at all: a process starting beside this one never reads half a key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return _read(path)


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return ""
