"""Whether a host's ``makemigrations --check`` finds nothing to write for the plugin, in a process of its own.

A process of its own because django-money reads ``CURRENCIES`` once, when ``djmoney.settings`` is imported:
``override_settings`` in a running test cannot change the choices a host would see. Any host can use it: give the
path of its ``manage.py`` and its settings module; ``overrides`` (``{"CURRENCIES": ("USD", "EUR")}``, or
``CURRENCY_CHOICES`` with other names, as another Babel would give) are set on top of those settings, through a
settings module written for the run into ``tmp_path``, so the host's own settings need no change.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NO_CHANGES = "No changes detected"


@dataclass(frozen=True)
class MigrationCheck:
    """What ``makemigrations --check --dry-run`` said: its exit status and its output."""

    returncode: int
    output: str

    @property
    def clean(self) -> bool:
        return self.returncode == 0 and NO_CHANGES in self.output


def makemigrations_check(
    manage_py: Path | str,
    settings_module: str,
    *,
    overrides: dict[str, object] | None = None,
    tmp_path: Path | None = None,
    env: dict[str, str] | None = None,
    apps: tuple[str, ...] = (),
) -> MigrationCheck:
    """Run ``manage.py makemigrations --check --dry-run [apps]`` with ``settings_module`` and its ``overrides``."""
    run_env = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": settings_module}
    if overrides:
        if tmp_path is None:
            raise ValueError("a tmp_path is needed to write the settings module with the overrides")
        run_env["DJANGO_SETTINGS_MODULE"] = _settings_with(tmp_path, settings_module, overrides)
        run_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), run_env.get("PYTHONPATH", "")]))
    command = [sys.executable, str(manage_py), "makemigrations", "--check", "--dry-run", *apps]
    done = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=300, check=False)
    return MigrationCheck(done.returncode, done.stdout + done.stderr)


def _settings_with(folder: Path, base: str, overrides: dict[str, object]) -> str:
    name = "cod_migration_check_settings"
    lines = [f"from {base} import *  # noqa: F403", *(f"{key} = {value!r}" for key, value in overrides.items())]
    (folder / f"{name}.py").write_text("\n".join(lines) + "\n")
    return name
