"""The panes of the corodbg UI, one widget a module; each shows part of a PauseState."""
