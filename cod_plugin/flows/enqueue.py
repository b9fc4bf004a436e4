"""Sending a task once the caller's transaction commits, by the task's name: flows name the work they hand to a
worker here and never import ``tasks.py``, which imports the flows (DESIGN.md). The task is looked up when it is
sent, so the import goes one way only; ``lifecycle.on_commit`` then sends it to Celery or, with
``COD_TASKS = "inline"``, runs it here."""

from importlib import import_module

from . import lifecycle

TASKS_MODULE = "cod_plugin.tasks"


def on_commit(name: str, *args) -> None:
    """Send the task ``cod_plugin.tasks.<name>`` with ``args`` when the current transaction commits."""
    task = getattr(import_module(TASKS_MODULE), name)
    lifecycle.on_commit(task, *args)
