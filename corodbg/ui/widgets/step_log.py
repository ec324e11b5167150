"""One line per step: which ready item ran, from where to where, and how it ended."""

from __future__ import annotations

from collections import deque
from typing import Any, Deque, Dict, Iterable, Optional

from rich.text import Text
from textual.widgets import RichLog

from corodbg.ui.state import log_line
from corodbg.ui.widgets.pane_size import LaidOutPane


class StepLogPane(LaidOutPane, RichLog):
    """Appends the pause's step records; out-of-order picks are marked ("picked 2 of 3")."""

    DEFAULT_CSS = """
    StepLogPane {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: Optional[str] = None, max_lines: int = 5000) -> None:
        # Wrapped: a Log line cut at the pane's edge can change its meaning ("to line 2" for 28).
        super().__init__(id=id, max_lines=max_lines, wrap=True, markup=False, highlight=False, min_width=20)
        self._last_step = -1
        #: Each entry's whole line, as written (the pane shows them wrapped to its width).
        self.entries: Deque[str] = deque(maxlen=max_lines)

    @property
    def text(self) -> str:
        return "\n".join(self.entries)

    def on_mount(self) -> None:
        self.border_title = "Log"

    def reset(self) -> None:
        self.clear()
        self.entries.clear()
        self._last_step = -1

    def rewind_to(self, step: int) -> None:
        """Going back to ``step``: the steps after it are logged again as they run (a new branch)."""
        self._last_step = min(self._last_step, step)

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
            elif entry.get("kind") == "travel":  # went back, a new branch
                line = Text(head, "bold magenta")
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
            self.entries.append(line.plain)
        if lines:
            self.write(Text("\n").join(lines), scroll_end=True)
