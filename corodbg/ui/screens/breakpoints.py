"""The list of breakpoints (``L``): every breakpoint, where it is, its condition and hits.

From the list: enter shows the breakpoint's line in Source, ``e`` edits it in
the condition dialog, ``d`` (or delete) removes it. The screen never talks to
the session: it asks the app through :class:`BreakpointsScreen.Action`
messages, and the app redraws the list when the agent's answer arrives.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from corodbg.ui.screens.dialog import DialogScreen
from corodbg.ui.widgets.source import breakpoint_mark


class BreakpointsScreen(DialogScreen[None]):
    """A modal table of breakpoints; escape closes it."""

    DEFAULT_CSS = """
    BreakpointsScreen > .box {
        width: 90;
    }
    BreakpointsScreen DataTable {
        height: auto;
        max-height: 20;
        background: $panel;
    }
    BreakpointsScreen #empty {
        color: $text-muted;
        padding: 1 0;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("L", "dismiss", "Close", show=False),
        Binding("e", "act('edit')", "Edit condition"),
        Binding("d,delete", "act('delete')", "Delete"),
    ]

    class Action(Message):
        """The user asked to ``show``, ``edit`` or ``delete`` one breakpoint."""

        def __init__(self, action: str, breakpoint_: Dict[str, Any]) -> None:
            super().__init__()
            self.action = action
            self.breakpoint = breakpoint_

    def __init__(self, breakpoints: List[Dict[str, Any]]) -> None:
        super().__init__()
        self.breakpoints = list(breakpoints)

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = "Breakpoints"
            box.border_subtitle = "enter shows · e edits · d deletes · escape closes"
            yield Static("No breakpoints: b sets one at the Source cursor, B one with a condition.", id="empty")
            table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=False)
            yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "#", "where", "only in", "condition", "hits")
        self.show_breakpoints(self.breakpoints)
        table.focus()

    def show_breakpoints(self, breakpoints: List[Dict[str, Any]]) -> None:
        """Redraw after the breakpoints changed, keeping the cursor's row where it can."""
        self.breakpoints = list(breakpoints)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for item in self.breakpoints:
            table.add_row(Text(breakpoint_mark(item), "bold #ff5f5f"), str(item.get("number", "")),
                          f"{item.get('file')}:{item.get('line')}", item.get("task") or "",
                          item.get("condition") or "", str(item.get("hits", 0)))
        self.query_one("#empty").display = not self.breakpoints
        table.display = bool(self.breakpoints)
        if self.breakpoints:
            table.move_cursor(row=min(row, len(self.breakpoints) - 1))

    def _current(self) -> Optional[Dict[str, Any]]:
        table = self.query_one(DataTable)
        if not self.breakpoints or not 0 <= table.cursor_row < len(self.breakpoints):
            return None
        return self.breakpoints[table.cursor_row]

    def action_act(self, action: str) -> None:
        current = self._current()
        if current is None:
            return
        if action == "show":
            self.dismiss(None)
        self.app.post_message(self.Action(action, current))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_act("show")
