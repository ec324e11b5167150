"""The condition dialog: set or edit the breakpoint at one line (``B``, or ``e`` in the list).

It returns a :class:`BreakpointRequest` (or None when cancelled); the app turns
that into one ``break FILE:LINE [task NAME] [if EXPR]`` command that replaces
whatever breakpoint the line had, so editing a condition is one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label

from corodbg.ui.screens.dialog import DialogScreen


@dataclass(frozen=True)
class BreakpointRequest:
    """What the dialog asks for: a breakpoint at ``file:line`` with these options."""

    file: str
    line: int
    condition: str = ""
    task: str = ""
    temporary: bool = False

    def command(self) -> Dict[str, Any]:
        """The agent command: ``break`` (or ``tbreak``) replacing the line's breakpoints."""
        spec: List[str] = [f"{self.file}:{self.line}"]
        if self.task.strip():
            spec += ["task", self.task.strip()]
        if self.condition.strip():
            spec += ["if", self.condition.strip()]
        return {"cmd": "break", "spec": spec, "temporary": self.temporary, "replace": True}


class BreakpointDialog(DialogScreen[Optional[BreakpointRequest]]):
    """Condition, task and one-shot for the breakpoint at one line; enter sets, escape cancels."""

    DEFAULT_CSS = """
    BreakpointDialog > .box {
        width: 64;
    }
    BreakpointDialog Label {
        margin-top: 1;
        color: $text-muted;
    }
    BreakpointDialog Input {
        width: 100%;
    }
    BreakpointDialog #buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    BreakpointDialog Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # Enter sets from every field (the checkbox would otherwise take it as a toggle).
        Binding("enter", "submit", "Set", priority=True),
    ]

    def __init__(self, file: str, line: int, source: str = "",
                 existing: Optional[Dict[str, Any]] = None) -> None:
        super().__init__()
        self.file = file
        self.line = line
        self.source = source
        self.existing = existing or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = f"Breakpoint at {self.file}:{self.line}"
            box.border_subtitle = "enter sets · escape cancels"
            if self.source:
                yield Label(self.source.strip(), id="source-line")
            yield Label("Stop only if (a Python expression, evaluated in the frame):")
            yield Input(self.existing.get("condition") or "", placeholder="e.g. counter > 3", id="condition")
            yield Label("Only in the task named (empty: every task):")
            yield Input(self.existing.get("task") or "", placeholder="e.g. Task-2", id="task")
            yield Checkbox("one-shot (tbreak): removed when first hit", bool(self.existing.get("temporary")),
                           id="temporary")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Set", variant="primary", id="set")

    def on_mount(self) -> None:
        self.query_one("#condition", Input).focus()

    def _request(self) -> BreakpointRequest:
        return BreakpointRequest(self.file, self.line, self.query_one("#condition", Input).value,
                                 self.query_one("#task", Input).value,
                                 self.query_one("#temporary", Checkbox).value)

    def action_submit(self) -> None:
        focused = self.focused
        if isinstance(focused, Button) and focused.id == "cancel":
            self.dismiss(None)
        else:
            self.dismiss(self._request())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self._request() if event.button.id == "set" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
