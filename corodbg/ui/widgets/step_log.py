"""One line per step: which ready item ran, from where to where, and how it ended."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from rich.text import Text
from textual.widgets import RichLog

from corodbg.ui.state import log_line


class StepLogPane(RichLog):
    """Appends the pause's step records; out-of-order picks are marked ("picked 2 of 3")."""

    DEFAULT_CSS = """
    StepLogPane {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow: auto auto;
    }
    """

    def __init__(self, *, id: Optional[str] = None, max_lines: int = 5000) -> None:
        super().__init__(id=id, max_lines=max_lines, wrap=False, markup=False, highlight=False)
        self._last_step = -1

    def on_mount(self) -> None:
        self.border_title = "Log"

    def reset(self) -> None:
        self.clear()
        self._last_step = -1

    def add_entries(self, entries: Iterable[Dict[str, Any]]) -> None:
        lines = []
        for entry in entries:
            step = entry.get("step")
            if isinstance(step, int):
                if step <= self._last_step:
                    continue  # a log that repeats earlier records: keep each step once
                self._last_step = step
            head, note, details = log_line(entry)
            if entry.get("kind") == "answer":  # an evaluation at this pause (e)
                line = Text(head, "cyan" if entry.get("ok", True) else "red")
            elif entry.get("kind") == "warning":  # never retrieved, never awaited
                line = Text(head, "bold yellow")
            elif entry.get("step") is None:
                line = Text(head, "dim")
            else:
                number, _, rest = head.partition(" ")
                line = Text.assemble((number, "bold"), " ", rest)
            if note:
                line.append(f" [{note}]", "bold yellow")
            if details:
                line.append(f"  {details}", "dim")
            lines.append(line)
        if lines:
            self.write(Text("\n").join(lines), scroll_end=True)
