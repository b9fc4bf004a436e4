#!/usr/bin/env python
"""Django's command line for the sandbox; run it from anywhere as ``python sandbox/manage.py``."""

import os
import sys
from pathlib import Path

# Python puts this script's folder first on the path, where sandbox/celery.py would shadow the celery package;
# the repo root goes there instead, so cod_plugin, admin_ui and sandbox import without being installed.
sys.path[0] = str(Path(__file__).resolve().parent.parent)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
