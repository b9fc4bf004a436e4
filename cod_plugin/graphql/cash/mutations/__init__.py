"""The cash mutations, one a module."""
