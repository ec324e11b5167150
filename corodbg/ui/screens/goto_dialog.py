"""The goto dialog (``g``): a step number to go to, forwards or back (``goto N``)."""

from __future__ import annotations

from typing import Optional

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from corodbg.ui.screens.dialog import DialogScreen


class GotoDialog(DialogScreen[Optional[int]]):
    """Asks for a step number; enter goes, escape cancels. Bad input gets one line, and stays."""

    DEFAULT_CSS = """
    GotoDialog > .box {
        width: 52;
    }
    GotoDialog #problem {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = "Go to step"
            box.border_subtitle = "enter goes · escape cancels"
            yield Static(f"Now at step {self.current}. Go to step (forwards or back):")
            yield Input(placeholder="a step number, e.g. 3", id="step")
            yield Static("", id="problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text.isdigit():
            self.query_one("#problem", Static).update(f"not a step number: {text!r}" if text else "type a step number")
            return
        self.dismiss(int(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
