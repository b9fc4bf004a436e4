"""The plugin inside django-oscar: its own settings, run as `pytest tests/oscar --ds=tests.oscar.settings`."""
