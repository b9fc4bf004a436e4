"""The monitoring's API: ``codMetrics``, the weekly figures for managers."""
