"""The footer: the keys that act on the program, fewer of them on a narrow screen.

At 80 columns Textual's footer cannot show every binding and cuts the row at
the right edge, which loses ``? Help`` and ``q Quit`` -- the two a newcomer
needs most. Here the secondary keys (those the help screen lists anyway)
carry a class that the app's stylesheet hides below 110 columns.
"""

from __future__ import annotations

from typing import Iterable

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Actions whose keys go first when the screen is narrow (still listed by ``?``).
SECONDARY_ACTIONS = frozenset({"finish", "pause", "evaluate", "restart", "zoom"})


class KeyBar(Footer):
    """Textual's footer, with secondary keys marked ``-secondary``."""

    def compose(self) -> ComposeResult:
        widgets: Iterable[Widget] = super().compose()
        for widget in widgets:
            if isinstance(widget, FooterKey) and widget.action in SECONDARY_ACTIONS:
                widget.add_class("-secondary")
            yield widget
