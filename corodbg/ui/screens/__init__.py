"""Screens pushed over the main layout (help)."""
