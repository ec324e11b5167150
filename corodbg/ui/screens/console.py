"""The evaluate console (``e``): ``p``-style expressions and ``!`` statements in the selected frame.

Like pdb's prompt at a pause: an expression shows its value, ``!STMT`` runs a
statement (``!x = 1`` changes the frame's local). Each answer comes back from
the agent as a reply event; the app appends it here and to the Log pane, so
the history outlives the console. Up and down recall earlier entries.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, RichLog


class ConsoleScreen(ModalScreen[None]):
    """History above, one input line below; escape closes."""

    DEFAULT_CSS = """
    ConsoleScreen {
        align: center bottom;
        background: $background 40%;
    }
    ConsoleScreen > Vertical {
        width: 100%;
        height: 16;
        border: round $accent;
        border-title-color: $text;
        background: $panel;
    }
    ConsoleScreen RichLog {
        height: 1fr;
        background: $panel;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("up", "recall(-1)", "Earlier", show=False),
        Binding("down", "recall(1)", "Later", show=False),
    ]

    class Evaluate(Message):
        """The user entered ``text`` (an expression, or ``!`` and a statement)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, where: str, history: List[Tuple[str, str, bool]]) -> None:
        super().__init__()
        self.where = where
        self.history = list(history)
        self.entries = [entry for entry, _, _ in history]
        self._recall: Optional[int] = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Evaluate in {self.where}"
            box.border_subtitle = "EXPR shows its value · !STMT runs a statement · escape closes"
            yield RichLog(wrap=True, markup=False, auto_scroll=True)
            yield Input(placeholder="expression, or !statement", id="entry")

    def on_mount(self) -> None:
        for entry, answer, ok in self.history:
            self.show_answer(entry, answer, ok)
        self.query_one(Input).focus()

    def show_answer(self, entry: str, answer: str, ok: bool) -> None:
        log = next(iter(self.query(RichLog)), None)
        if log is None:  # the screen is being taken down (e then q at once): nothing to show it in
            return
        log.write(Text.assemble(("» ", "bold cyan"), entry))
        log.write(Text(answer, "" if ok else "red"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        self.entries.append(text)
        self._recall = None
        event.input.value = ""
        self.app.post_message(self.Evaluate(text))

    def action_recall(self, direction: int) -> None:
        """Up/down walk through the entries typed before, like a shell."""
        entries = self.entries
        if not entries:
            return
        index = len(entries) if self._recall is None else self._recall
        index = min(max(0, index + direction), len(entries))
        self._recall = index
        entry = self.query_one(Input)
        entry.value = entries[index] if index < len(entries) else ""
        entry.cursor_position = len(entry.value)
