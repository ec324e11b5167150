"""The look every corodbg dialog shares: a framed box in the middle of a dimmed screen.

A screen that derives from :class:`DialogScreen` and wraps its content in one
container with the class ``box`` gets the frame; it sets only its width.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class DialogScreen(ModalScreen[ResultType]):
    """A modal screen whose ``.box`` child is framed like the panes, lit with the accent."""

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
        background: $background 60%;
    }
    DialogScreen > .box {
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        border-title-color: $text;
        background: $panel;
        padding: 0 1;
    }
    """
