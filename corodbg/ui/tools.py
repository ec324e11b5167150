"""The app's tools at a pause: breakpoints (b, B, L), the evaluate console (e), looking into locals.

A mixin of :class:`corodbg.ui.app.CorodbgApp`: these act through the app's
session (``_send_command``) and read its ``state``; the agent's answers come
back as reply (or error) events, which the app hands to :meth:`_take_reply`
and :meth:`_take_error`.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from corodbg.ui.screens.breakpoint_dialog import BreakpointDialog, BreakpointRequest
from corodbg.ui.screens.breakpoints import BreakpointsScreen
from corodbg.ui.screens.console import ConsoleScreen
from corodbg.ui.screens.timeline import TimelineScreen
from corodbg.ui.widgets.frame import FramePane
from corodbg.ui.widgets.source import SourcePane

if TYPE_CHECKING:
    # Not CorodbgApp itself: it derives from this class (a cycle mypy cannot type).
    # The app's own attributes used here are declared in the class below.
    from textual.app import App

    from corodbg.session import Session
    from corodbg.ui.state import PauseState

    _Base = App[int]
else:
    _Base = object


class PauseTools(_Base):
    """Breakpoints, the console and the Frame tree's expansion, for the app."""

    #: (entry, answer, ok) of every evaluation this run, shown again when the console reopens.
    console_history: List[Tuple[str, str, bool]]

    # What CorodbgApp, which mixes this in, has (annotations only, for the type checker).
    state: PauseState
    session: Optional[Session]
    _pending_log: List[Dict[str, Any]]
    _breakpoints_dirty: bool

    if TYPE_CHECKING:
        async def _send_command(self, command: Union[str, Dict[str, Any]]) -> None: ...

    def _show_breakpoints(self) -> None:
        self.query_one(SourcePane).show_breakpoints(self.state)
        if isinstance(self.screen, BreakpointsScreen):
            self.screen.show_breakpoints(self.state.breakpoints)

    def _take_reply(self, event: Dict[str, Any]) -> None:
        """An answer to ``p``/``!``/``break``/``clear``: to the console and Log, or a notification."""
        self.state.apply_reply(event)
        self._breakpoints_dirty = True
        command = event.get("command") or {}
        text = str(event.get("text", ""))
        if command.get("cmd") in ("eval", "exec"):
            self._show_answer(command, text, not text.startswith("***"))
        elif command.get("cmd") == "expand":
            self.query_one(FramePane).show_children(tuple(command.get("path") or ()), json.loads(text))
        elif command.get("cmd") == "timeline":
            self._show_timeline(json.loads(text))
        # break/clear: the Source gutter and the list show the change; no toast over the panes.

    def _take_error(self, event: Dict[str, Any]) -> None:
        command = event.get("command") or {}
        message = str(event.get("message", "error"))
        if command.get("cmd") in ("eval", "exec"):
            self._show_answer(command, message, False)
        elif command.get("cmd") == "expand":
            self.query_one(FramePane).show_children(tuple(command.get("path") or ()), None, message)
        elif command.get("restore"):
            self.notify(f"breakpoint not restored: {message}", title="corodbg", severity="warning")
        else:
            self.notify(message, title="corodbg", severity="warning")

    def _show_answer(self, command: Dict[str, Any], text: str, ok: bool) -> None:
        entry = command.get("entry") or command.get("expr") or f"!{command.get('code', '')}"
        self.console_history.append((entry, text, ok))
        self._pending_log.append({"step": None, "kind": "answer", "ok": ok, "text": f"» {entry} → {text}"})
        if isinstance(self.screen, ConsoleScreen):
            self.screen.show_answer(entry, text, ok)

    def _show_timeline(self, data: Dict[str, Any]) -> None:
        """The timeline screen; the step chosen there is gone to (``goto N``, back or forth)."""
        async def go(step: Optional[int]) -> None:
            if step is None:
                return
            if step == self.state.step and self.state.task_named(self.state.task) is None:
                self.notify(f"already at step {step}", timeout=2)
                return
            await self._send_command({"cmd": "goto", "step": step})

        if not isinstance(self.screen, TimelineScreen):
            self.push_screen(TimelineScreen(data), go)

    async def on_frame_pane_expand_requested(self, message: FramePane.ExpandRequested) -> None:
        selected = self.state.selected
        if self.session is None or self.session.state != "paused" or selected is None:
            self.query_one(FramePane).show_children(message.path, None, "(the program is not paused)")
            return
        await self._send_command({"cmd": "expand", "task": selected.task, "frame": selected.index,
                                  "path": list(message.path)})

    def _source_cursor(self) -> Optional[Tuple[str, int]]:
        """The file and line ``b`` acts on: the Source cursor (the current line until moved)."""
        source = self.query_one(SourcePane)
        if source.file is None or not source.lines:
            self.notify("no source file to set a breakpoint in", severity="warning")
            return None
        return source.file, source.cursor_line

    async def action_breakpoint(self) -> None:
        """Toggle: clear the breakpoints at the cursor's line, or set a plain one there."""
        where = self._source_cursor()
        if where is None:
            return
        file, line = where
        if line in self.state.breakpoints_in(file):
            await self._send_command({"cmd": "clear", "spec": [f"{file}:{line}"]})
        else:
            await self._send_command({"cmd": "break", "spec": [f"{file}:{line}"], "temporary": False})

    def action_conditional_breakpoint(self) -> None:
        where = self._source_cursor()
        if where is not None:
            self._edit_breakpoint(*where)

    def _edit_breakpoint(self, file: str, line: int) -> None:
        source = self.query_one(SourcePane)
        text = source.lines[line - 1].plain if source.file == file and 0 < line <= len(source.lines) else ""

        async def set_breakpoint(request: Optional[BreakpointRequest]) -> None:
            if request is not None:
                await self._send_command(request.command())

        self.push_screen(BreakpointDialog(file, line, text, self.state.breakpoints_in(file).get(line)),
                         set_breakpoint)

    def action_breakpoints(self) -> None:
        self.push_screen(BreakpointsScreen(self.state.breakpoints))

    async def on_breakpoints_screen_action(self, message: BreakpointsScreen.Action) -> None:
        file, line = str(message.breakpoint.get("file")), int(message.breakpoint.get("line") or 0)
        if message.action == "show":
            self.query_one(SourcePane).show_line(self.state, file, line)
            self.query_one(SourcePane).focus()
        elif message.action == "edit":
            self._edit_breakpoint(file, line)
        elif message.action == "delete":
            await self._send_command({"cmd": "clear", "spec": [f"{file}:{line}"]})

    def action_evaluate(self) -> None:
        frame = self.state.selected_frame()
        selected = self.state.selected
        if frame is None or selected is None:
            where = "the paused frame"
        else:
            where = f"{selected.task} · {frame.get('function')} ({os.path.basename(frame.get('file') or '?')}" \
                    f":{frame.get('line')})"
        self.push_screen(ConsoleScreen(where, self.console_history))

    async def on_console_screen_evaluate(self, message: ConsoleScreen.Evaluate) -> None:
        text = message.text
        travel = _travel_command(text)
        if travel is not None:  # rs, rc, rn, rf, goto N: the debugger's commands, as in -c
            if isinstance(travel, str):
                self._show_answer({"entry": text}, travel, False)
                return
            self._show_answer({"entry": text}, "(the panes show where it went)", True)
            await self._send_command(travel)
            return
        command: Dict[str, Any] = ({"cmd": "exec", "code": text[1:].strip()} if text.startswith("!")
                                   else {"cmd": "eval", "expr": text})
        command["entry"] = text
        if self.state.selected is not None:
            command["task"] = self.state.selected.task
            command["frame"] = self.state.selected.index
        await self._send_command(command)


def _travel_command(text: str) -> Union[str, Dict[str, Any], None]:
    """The console's debugger commands (``rs``, ``reverse-step``, ``goto 7``...): the command,
    or the one-line problem with it; None for an expression (``rs`` may also be a variable:
    ``(rs)`` evaluates it)."""
    from corodbg.agent.protocol import COMMAND_ALIASES, TRAVEL_COMMANDS, CommandError, parse_command

    head = text.split(" ", 1)[0]
    if COMMAND_ALIASES.get(head, head) not in TRAVEL_COMMANDS:
        return None
    try:
        return parse_command(text)
    except CommandError as error:
        return f"*** {error}"


def restore_command(breakpoint_: Dict[str, Any]) -> Dict[str, Any]:
    """The ``break`` command that sets ``breakpoint_`` again in a new run (``r``)."""
    request = BreakpointRequest(str(breakpoint_.get("file")), int(breakpoint_.get("line") or 0),
                                breakpoint_.get("condition") or "", breakpoint_.get("task") or "",
                                bool(breakpoint_.get("temporary")))
    return {**request.command(), "restore": True}
