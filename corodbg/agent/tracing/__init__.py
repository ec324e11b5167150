"""Tracing: line events for stepping, breakpoints, and which code is the user's."""
