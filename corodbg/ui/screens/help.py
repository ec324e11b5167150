"""The help screen: every key the debugger knows, with what it does."""

from __future__ import annotations

from typing import Iterable, Tuple

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from corodbg.ui.screens.dialog import DialogScreen

INTRO = (
    "corodbg pauses the program before its event loop runs anything. "
    "Send runs one ready item (the one under the cursor in the Ready queue); "
    "Step stops at the next line of any coroutine; Continue runs to the end."
)


class HelpScreen(DialogScreen[None]):
    """A modal keys table; escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen > .box {
        width: 96;
    }
    HelpScreen Static {
        width: 100%;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, keys: Iterable[Tuple[str, str, str]]) -> None:
        super().__init__()
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0), expand=True)
        table.add_column("Key", style="bold yellow", no_wrap=True)
        table.add_column("Action", style="bold", no_wrap=True)
        table.add_column("What it does")
        for key, action, text in self.keys:
            table.add_row(key, action, text)
        with VerticalScroll(classes="box") as scroll:
            scroll.border_title = "Help — keys"
            scroll.border_subtitle = "escape closes"
            yield Static(Text(INTRO, "italic"))
            yield Static("")
            yield Static(table)
