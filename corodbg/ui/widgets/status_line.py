"""The header line: program, state, pause reason, step number and virtual time."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from corodbg.ui.state import CRASHED, FINISHED, PAUSED, RUNNING, PauseState

_STATUS_STYLES = {PAUSED: "bold yellow", RUNNING: "bold green", FINISHED: "bold cyan", CRASHED: "bold red"}


class StatusLine(Static):
    """One line on top; it reads the state and never talks to the session."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
        color: $text;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;  /* a cut header says so: "breakpoint 1 (break…" */
    }
    """

    def show_state(self, state: PauseState) -> None:
        text = Text.assemble(("corodbg", "bold"), "  ", (state.program, "underline"), "    ")
        text.append(state.status_text(), _STATUS_STYLES.get(state.status, "dim"))
        if state.status != RUNNING:
            text.append(f" · step {state.step} · t={state.time:.3f}s")
        elif state.step or state.reason:
            text.append(f" · the panes show step {state.step}", "dim")
        if state.message and state.status == PAUSED:
            text.append(f" · {state.message}", "dim")
        text.no_wrap = True
        text.overflow = "ellipsis"  # a cut header says so ("breakpoint 1 (break…")
        self.update(text, layout=False)  # one row, as wide as the screen: its size never changes
