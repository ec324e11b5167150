"""The ready queue: what the loop would run next, in order, with a cursor to pick one.

Drawn with :class:`LineList`, so a queue of thousands of items repaints only
the rows on screen.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rich.text import Text

from corodbg.ui.state import PauseState
from corodbg.ui.widgets.line_list import LineList


class ReadyQueuePane(LineList):
    """The head is marked ▶; the item under the cursor is what `space` sends."""

    DEFAULT_CSS = """
    ReadyQueuePane {
        background: $surface;
        border-title-color: $text;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.items: List[Dict[str, Any]] = []
        #: Also show each internal item's callback as asyncio names it (the ``i`` key).
        self.show_internals = False

    def on_mount(self) -> None:
        self.border_title = "Ready queue"

    def show_state(self, state: PauseState) -> None:
        """New items; the cursor goes back to the head, which is what changed."""
        self.items = state.ready
        self.placeholder = "(program over)" if state.is_over else "(nothing ready)"
        self.border_subtitle = f"{len(self.items)} ready" if self.items else ""
        width = max((len(item.get("description", "")) for item in self.items[:2000]), default=0) + 8
        self.set_rows(len(self.items), width)
        self.move_cursor(0, announce=False)

    def render_row(self, index: int) -> Text:
        item = self.items[index]
        head = item.get("index") == 1
        line = Text("▶ " if head else "  ", "bold yellow")
        line.append(f"{item.get('index')} ", "dim")
        internal = item.get("housekeeping") or item.get("internal")
        style = ("bold yellow" if head else "") + (" dim" if internal else "")
        line.append(item.get("description", ""), style.strip())
        if self.show_internals and item.get("raw") and item.get("raw") != item.get("description"):
            line.append(f"  {item['raw']}", "dim italic")
        return line

    def picked_index(self) -> Optional[int]:
        """The 1-based queue position under the cursor (None when the queue is empty)."""
        if not self.items:
            return None
        return int(self.items[self.cursor].get("index") or 1)
