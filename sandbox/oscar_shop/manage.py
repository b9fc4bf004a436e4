#!/usr/bin/env python
"""Django's command line for the oscar shop; run it from anywhere as ``python sandbox/oscar_shop/manage.py``."""

import os
import sys
from pathlib import Path

# The repo root first on the path, so cod_plugin, admin_ui and sandbox import without being installed.
sys.path[0] = str(Path(__file__).resolve().parent.parent.parent)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.oscar_shop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
