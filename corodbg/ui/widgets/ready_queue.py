"""The ready queue: what the loop would run next, in order, with a cursor to pick one."""

from __future__ import annotations

from typing import Optional

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from corodbg.ui.state import PauseState


class ReadyQueuePane(OptionList):
    """The head is marked ▶; the highlighted item is what `space` sends."""

    DEFAULT_CSS = """
    ReadyQueuePane {
        border-title-color: $text;
    }
    """

    def on_mount(self) -> None:
        self.border_title = "Ready queue"

    def show_state(self, state: PauseState) -> None:
        """Rebuild the list; the cursor goes back to the head, which is what changed."""
        self.clear_options()
        if not state.ready:
            empty = "(program over)" if state.is_over else "(nothing ready)"
            self.add_option(Option(Text(empty, "dim"), disabled=True))
            self.border_subtitle = ""
            return
        options = []
        for item in state.ready:
            head = item.get("index") == 1
            line = Text("▶ " if head else "  ", "bold yellow")
            line.append(f"{item.get('index')} ", "dim")
            style = "dim" if item.get("housekeeping") else ("bold" if head else "")
            line.append(item.get("description", ""), style)
            options.append(Option(line, id=f"ready-{item.get('index')}"))
        self.add_options(options)
        self.highlighted = 0
        self.border_subtitle = f"{len(state.ready)} ready"

    def picked_index(self) -> Optional[int]:
        """The 1-based queue position under the cursor (None when the queue is empty)."""
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        if option.id is None or option.disabled:
            return None
        return int(option.id.split("-", 1)[1])
