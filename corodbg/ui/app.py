"""The corodbg Textual app: a conductor between one Session and the panes.

It composes the panes, owns the key bindings, and runs one worker that reads
the session's events, folds them into a :class:`PauseState` and hands that to
the panes. Rendering belongs to the panes; the program belongs to the session.
While the program runs, output is batched and the screen repainted at most
~30 times a second; a pause or the end repaints at once (that is the latency a
user feels after pressing ``s``).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from corodbg.agent.protocol import ANSWERING_COMMANDS, TRAVEL_COMMANDS, CommandError, parse_command
from corodbg.agent.runner import Target
from corodbg.session import Session, SessionError
from corodbg.ui.log_feed import LogFeed
from corodbg.ui.screens.goto_dialog import GotoDialog
from corodbg.ui.screens.help import HelpScreen
from corodbg.ui.state import CRASHED, FINISHED, PAUSED, RUNNING, PauseState
from corodbg.ui.tools import PauseTools, restore_command
from corodbg.ui.widgets.coroutines import CoroutinesPane
from corodbg.ui.widgets.frame import FramePane
from corodbg.ui.widgets.key_bar import KeyBar
from corodbg.ui.widgets.output import OutputPane
from corodbg.ui.widgets.ready_queue import ReadyQueuePane
from corodbg.ui.widgets.source import SourcePane
from corodbg.ui.widgets.status_line import StatusLine
from corodbg.ui.widgets.step_log import StepLogPane

#: Repaints while the program runs are at least this far apart (seconds).
FRAME_INTERVAL = 1 / 30
#: At most this many commands typed ahead wait for the one being answered.
TYPE_AHEAD = 8
#: A command still running after this long (seconds) dims the panes: they show the last pause.
STALE_AFTER = 0.25
#: A command not answered by then shows "running" on the status line (quick steps never do).
SHOW_RUNNING_AFTER = 0.05
#: At most this many queued events are folded into one repaint.
BATCH_LIMIT = 5000
#: Seconds the program's own ending (atexit, threads) may take when quitting or restarting at the end pause.
ENDING_TIMEOUT = 5.0

#: (key, action, description) for the help screen; the bindings below say the same.
KEYS: List[Tuple[str, str, str]] = [
    ("space", "Send", "run the ready item under the cursor (send N) until it suspends"),
    ("s", "Step", "run to the next line of any coroutine, or to its next suspension"),
    ("n", "Next", "run to the next line of the same frame, across an await that suspends"),
    ("f", "Finish", "run until the selected frame returns"),
    ("c", "Continue", "run to a breakpoint, an exception, a deadlock or the end"),
    ("p", "Pause", "interrupt a running program"),
    ("S", "Step back", "reverse-step: back to the previous pause, every pane (output too) as it was then"),
    ("C", "Continue back", "reverse-continue: back to the previous breakpoint hit, else the start"),
    ("N", "Next back", "reverse-next: back to the previous pause in this frame (or its caller)"),
    ("F", "Finish back", "reverse-finish: back to the pause before this frame was entered"),
    ("g", "Go to step", "goto N: to step N, forwards or back; from a past step, any command starts a branch"),
    ("t", "Timeline", "the run so far, a lane per task; enter or a click goes to the step under the cursor"),
    ("b", "Break", "toggle a breakpoint at the Source cursor (its current line by default)"),
    ("B", "Break if", "a breakpoint with a condition, a task or one-shot, at the Source cursor"),
    ("L", "Breakpoints", "the list of breakpoints: show, edit, delete"),
    ("e", "Evaluate", "an expression (or !statement) in the selected frame"),
    ("o", "Save output", "write the program's whole output so far to corodbg-output.txt"),
    ("r", "Restart", "end this run and start the program again"),
    ("z", "Zoom", "make the focused pane fill the screen; z or escape restores the layout"),
    ("i", "Internals", "show asyncio's own frames, tasks and callback names too (again: hide them)"),
    ("tab / shift+tab", "Panes", "move between panes; arrows and mouse inside a pane"),
    ("ctrl+p", "Palette", "the command palette: every action by name"),
    ("?", "Help", "this screen"),
    ("q", "Quit", "end the program and leave"),
]

#: Actions that act on the program; refused while the help screen is up.
_DEBUGGER_ACTIONS = {"send", "step", "next", "finish", "continue", "pause", "breakpoint",
                     "conditional_breakpoint", "breakpoints", "evaluate", "restart", "reverse_step",
                     "reverse_continue", "reverse_next", "reverse_finish", "goto", "timeline"}
#: The KEYS action word for each action name that differs from it.
_ACTION_NAMES = {"Break if": "conditional_breakpoint", "Breakpoints": "breakpoints", "Break": "breakpoint",
                 "Save output": "save_output", "Step back": "reverse_step", "Continue back": "reverse_continue",
                 "Next back": "reverse_next", "Finish back": "reverse_finish", "Go to step": "goto"}


class CorodbgApp(PauseTools, App[int]):
    """One debugging session on screen."""

    CSS_PATH = "app.tcss"
    #: Below 110 columns the footer keeps only the main keys (see KeyBar).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    TITLE = "corodbg"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("space", "send", "Send", priority=True),
        Binding("s", "step", "Step"),
        Binding("n", "next", "Next"),
        Binding("f", "finish", "Finish"),
        Binding("c", "continue", "Continue"),
        Binding("p", "pause", "Pause"),
        Binding("S", "reverse_step", "Step back", show=False),
        Binding("C", "reverse_continue", "Continue back", show=False),
        Binding("N", "reverse_next", "Next back", show=False),
        Binding("F", "reverse_finish", "Finish back", show=False),
        Binding("g", "goto", "Go to step", show=False),
        Binding("t", "timeline", "Timeline", show=False),
        Binding("b", "breakpoint", "Break"),
        Binding("B", "conditional_breakpoint", "Break if", show=False),
        Binding("L", "breakpoints", "Breakpoints", show=False),
        Binding("e", "evaluate", "Eval"),
        Binding("o", "save_output", "Save output", show=False),
        Binding("r", "restart", "Restart"),
        Binding("z", "zoom", "Zoom"),
        Binding("i", "internals", "Internals", show=False),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, target: Target, *, real_time: bool = False, stdin: Optional[str] = None,
                 cwd: Optional[str] = None, strict: bool = False, record: Optional[str] = None,
                 replay: Optional[str] = None) -> None:
        super().__init__()
        self.target = target
        self.record, self.replay = record, replay
        self.real_time = real_time
        self.strict = strict
        self.stdin_path = stdin
        self.cwd = os.path.abspath(cwd or os.getcwd())
        self.session: Optional[Session] = None
        self.state = PauseState(program=target.display)
        self.command_count = 0
        self.first_screen_time: Optional[float] = None
        self.last_render_time = 0.0  # perf_counter of the last hand-over to the panes (benchmarks)
        self._settled = asyncio.Event()
        self._pending_output: List[Tuple[str, str, bool]] = []
        self._pending_log: List[Dict[str, Any]] = []
        self._state_dirty = False
        self._render_timer: Optional[Timer] = None
        self._awaiting_answer = False
        self._in_flight = ""  # the command being answered
        #: Commands typed while the previous one was being answered, sent in order after it.
        self._typed_ahead: List[Dict[str, Any]] = []
        self._breakpoints_dirty = False
        self.log_feed = LogFeed()
        #: (entry, answer, ok) of every evaluation this run, shown again when the console reopens.
        self.console_history: List[Tuple[str, str, bool]] = []
        #: After going back: the step the run was taken back to; the next command that runs the
        #: program on starts a new branch of the run from there (the Log says so).
        self._branch_point: Optional[int] = None
        self.branches = 1

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield ReadyQueuePane(id="ready")
                yield CoroutinesPane(id="coroutines")
                yield FramePane(id="frame")
            yield SourcePane(id="source")
        with Horizontal(id="bottom"):
            yield OutputPane(id="output")
            yield StepLogPane(id="log")
        yield KeyBar(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        self.query_one(OutputPane).set_cwd(self.cwd)
        self.query_one(ReadyQueuePane).focus()
        self._show_state()
        await self._start_session()

    # -- the session -----------------------------------------------------------------

    async def settled(self) -> None:
        """Wait until the program is paused or gone and every event so far is on screen.

        Tests and the benchmark await this after pressing a key, so snapshots never
        catch the screen halfway.
        """
        await self._settled.wait()

    async def _start_session(self) -> None:
        self._settled.clear()
        kept = self.state.breakpoints
        self.state = PauseState(program=self.target.display)
        self.log_feed = LogFeed()
        self._branch_point, self.branches = None, 1
        session = Session(self.target, real_time=self.real_time, stdin=self.stdin_path, cwd=self.cwd,
                          strict=self.strict, travel=True, record=self.record, replay=self.replay)
        self.session = session
        try:
            # A restart keeps the breakpoints, as in pdb: the agent sets them at its first pause.
            await session.start(commands=[restore_command(breakpoint_) for breakpoint_ in kept])
        except OSError as error:
            self.notify(f"cannot start the program: {error}", severity="error")
            self.state.status = CRASHED
            self._show_state()
            self._settled.set()
            return
        self._consume(session)

    async def _stop_session(self) -> None:
        self.workers.cancel_group(self, "session")
        if self._render_timer is not None:
            self._render_timer.stop()
            self._render_timer = None
        session, self.session = self.session, None
        if session is not None:
            await self._let_the_program_end(session)
            await session.close()

    async def _let_the_program_end(self, session: Session) -> None:
        """At the end pause, quit and restart first let the program's own ending run.

        Python runs atexit handlers, flushes, and joins non-daemon threads after
        the last line; a program that saves its state at exit must not lose it
        because it ran under corodbg. In the middle of a run, quitting still
        ends the program at once. The ending gets ``ENDING_TIMEOUT`` seconds.
        """
        process = session.process
        if process is None or process.returncode is not None or session.state != "paused" \
                or self.state.reason != "end":
            return
        try:
            await session.command("continue")
            await asyncio.wait_for(process.wait(), ENDING_TIMEOUT)
        except (SessionError, asyncio.TimeoutError, OSError):
            pass

    @work(group="session", exclusive=True)
    async def _consume(self, session: Session) -> None:
        """Read events in batches: whatever is queued is folded into one repaint."""
        while True:
            batch = [await session.next_event()]
            while len(batch) < BATCH_LIMIT and not session.events.empty():
                batch.append(session.events.get_nowait())
            stopped, over = self._absorb(batch)
            if stopped or over:
                self._render_pending(final=True)
            elif self._render_timer is None:
                self._render_timer = self.set_timer(FRAME_INTERVAL, self._render_pending)
            if over:
                return

    def _absorb(self, batch: Iterable[Dict[str, Any]]) -> Tuple[bool, bool]:
        """Fold events into the state and the pending output; says (paused, terminated)."""
        stopped = over = False
        for event in batch:
            kind = event.get("event")
            if kind == "output":
                stream, data = event.get("stream", "stdout"), event.get("data", "")
                self._pending_output.append((stream, data, stream != "agent" and not event.get("fd")))
                self._pending_log.extend(self.log_feed.for_output(stream, data))
            elif kind == "pause" and event.get("refresh"):  # the same pause, after !STMT changed a variable
                selected = self.state.selected
                self.state.apply_pause(event)
                if selected is not None and self.state.task_named(selected.task) is not None:
                    self.state.selected = selected
                self._state_dirty = True
                stopped = True
            elif kind == "pause":
                self.state.apply_pause(event)
                self._pending_log.extend(self.log_feed.for_pause(event, self.state))
                self._state_dirty = True
                self._awaiting_answer = False
                stopped = True
            elif kind == "rewind":
                self._take_rewind(event)
            elif kind == "blocked":  # a pause request met a call that does not return
                self.state.apply_blocked(event)
                self._pending_log.extend(self.log_feed.for_blocked(event))
                self._state_dirty = True
            elif kind == "reply":
                self._take_reply(event)
                stopped = stopped or self._awaiting_answer
                self._awaiting_answer = False
            elif kind == "error":
                self._take_error(event)
                if self._awaiting_answer:
                    # The agent refused the command and is still paused (the session
                    # knows): show the pause again so the next key works.
                    self.state.status = FINISHED if self.state.reason == "end" else PAUSED
                    self._state_dirty = True
                    self._awaiting_answer = False
                    stopped = True
            elif kind == "exit":
                self.state.apply_exit(int(event.get("code") or 0))
            elif kind == "terminated":
                self.state.apply_terminated(event)
                if self.state.status == CRASHED:
                    self._pending_log.append({"step": None, "text": f"the program {self.state.status_text()}"
                                              " without reporting an exit"})
                self._state_dirty = True
                over = True
        return stopped, over

    def _take_rewind(self, event: Dict[str, Any]) -> None:
        """Going back arrived: the Output pane as it was at that step, the Log marks the place.

        The pause that follows restores the other panes (the agent sends it whole)."""
        output = self.query_one(OutputPane)
        if self._pending_output:  # (what came before the rewind, then cut with the rest)
            chunks, self._pending_output = self._pending_output, []
            output.add_chunks(chunks)
        counts = list(event.get("output") or [])
        output.rewind({"stdout": counts[0] if counts else 0, "stderr": counts[1] if len(counts) > 1 else 0})
        step = int(event.get("step") or 0)
        self.log_feed.steps_logged = step
        self.query_one(StepLogPane).rewind_to(step)
        how = event.get("command") or "back"
        self._pending_log.append({"step": None, "kind": "travel",
                                  "text": f"↶ {how}: back to step {step}; the panes and Output as they were then"})
        self._branch_point = step

    def _render_pending(self, final: bool = False) -> None:
        """Put everything absorbed so far on screen (called at most ~30 times a second)."""
        self._render_timer = None
        try:
            output = self.query_one(OutputPane)
        except NoMatches:  # the app is closing (its screen is gone) while output still comes in
            return
        if self._pending_output:
            chunks, self._pending_output = self._pending_output, []
            output.add_chunks(chunks)
        if final:
            output.flush_partial()
        if self._pending_log:
            entries, self._pending_log = self._pending_log, []
            self.query_one(StepLogPane).add_entries(entries)
        if self._state_dirty:
            self._state_dirty = False
            self._breakpoints_dirty = False
            self._show_state()
        elif self._breakpoints_dirty:
            self._breakpoints_dirty = False
            self._show_breakpoints()
        self.last_render_time = time.perf_counter()
        if final and self._typed_ahead and self.session is not None and self.session.state == "paused" \
                and not self._awaiting_answer:
            self.call_later(self._send_command, self._typed_ahead.pop(0))
            return  # not settled: a command typed ahead goes now
        if final and self.session is not None and self.session.events.empty():
            self._settled.set()
            if self.first_screen_time is None:
                self.first_screen_time = time.perf_counter()

    def _show_running(self) -> None:
        if self.state.status == RUNNING:
            self.query_one(StatusLine).show_state(self.state)

    def _mark_stale(self) -> None:
        if self.state.status == RUNNING:
            self.query_one("#panes").add_class("-stale")

    def _show_state(self) -> None:
        state = self.state
        if state.status != RUNNING:
            self.query_one("#panes").remove_class("-stale")
        self.query_one(StatusLine).show_state(state)
        self.query_one(ReadyQueuePane).show_state(state)
        self.query_one(CoroutinesPane).show_state(state)
        self._show_selection()

    def _show_selection(self) -> None:
        self.query_one(SourcePane).show_state(self.state, self.cwd)
        frame = self.state.selected_frame()
        exception = self.state.exception
        self.query_one(FramePane).show_frame(
            frame, self.state.selected.task if self.state.selected else self.state.task, self.state.globals_of(frame),
            exception=exception if exception is not None and frame is exception.get("frame") else None)

    def on_coroutines_pane_frame_selected(self, message: CoroutinesPane.FrameSelected) -> None:
        self.state.selected = message.ref
        self._show_selection()

    # -- commands ------------------------------------------------------------------

    async def _send_command(self, command: Union[str, Dict[str, Any]]) -> None:
        session = self.session
        if session is None or session.state == "exited" or self.state.status == CRASHED:
            self.notify("the program is over: press r to restart", severity="warning")
            return
        if isinstance(command, str):
            command = parse_command(command)
        if session.state != "paused":
            if self._awaiting_answer and self._in_flight != "continue" and len(self._typed_ahead) < TYPE_AHEAD:
                # Keys typed faster than the answers come (b then c, s s s): run them in order.
                self._typed_ahead.append(command)
                self.command_count += 1
                return
            self.notify(f"{command['cmd']}: the program is running (p pauses it)", severity="warning")
            return
        self._settled.clear()
        self.command_count += 1
        self._awaiting_answer = True
        self._in_flight = command["cmd"]
        backwards = command["cmd"] in TRAVEL_COMMANDS and not (command["cmd"] == "goto"
                                                               and int(command.get("step", 0)) > self.state.step)
        if self._branch_point is not None and command["cmd"] not in ANSWERING_COMMANDS and not backwards:
            # From a past step the run goes on anew: a branch of the run (goto forwards too).
            self.branches += 1
            self._pending_log.append({"step": None, "kind": "travel",
                                      "text": f"⑂ branch {self.branches} of the run starts at step "
                                              f"{self._branch_point}: {_command_text(command)}"})
            self._branch_point = None
        if self.state.status == PAUSED and command["cmd"] not in ANSWERING_COMMANDS:
            self.state.set_running()
            # A quick step answers within a frame or two: saying "running" at once would cost a
            # repaint of its own before the pause's (a step key settled ~20 ms later). Said once
            # the step has taken longer than that; dimmed as stale later still.
            self.set_timer(SHOW_RUNNING_AFTER, self._show_running)
            self.set_timer(STALE_AFTER, self._mark_stale)
        try:
            await session.command(command)
        except (SessionError, CommandError) as error:
            self._awaiting_answer = False
            self.notify(str(error), severity="error")
            self._settled.set()

    def check_action(self, action: str, parameters: Tuple[object, ...]) -> Optional[bool]:
        """Debugger keys do nothing under the help screen (they would act unseen)."""
        if action in _DEBUGGER_ACTIONS and isinstance(self.screen, ModalScreen):
            return False
        return True

    async def action_send(self) -> None:
        index = self.query_one(ReadyQueuePane).picked_index()
        if index is None and self.state.status == PAUSED and not self.state.ready:
            index = 1  # a line pause inside a step: send resumes the running item
        await self._send_command(f"send {index or 1}")

    async def action_step(self) -> None:
        await self._send_command("step")

    async def action_next(self) -> None:
        await self._send_command("next")

    async def action_finish(self) -> None:
        await self._send_command("finish")

    async def action_continue(self) -> None:
        await self._send_command("continue")

    async def action_reverse_step(self) -> None:
        await self._send_command("reverse-step")

    async def action_reverse_continue(self) -> None:
        await self._send_command("reverse-continue")

    async def action_reverse_next(self) -> None:
        await self._send_command("reverse-next")

    async def action_reverse_finish(self) -> None:
        await self._send_command("reverse-finish")

    def action_goto(self) -> None:
        """Ask for a step number, then ``goto N``."""
        async def go(step: Optional[int]) -> None:
            if step is not None:
                await self._send_command({"cmd": "goto", "step": step})

        self.push_screen(GotoDialog(self.state.step), go)

    def action_timeline(self) -> None:
        """The timeline screen: asks the agent for the run's steps (a reply), then draws them."""
        if self.session is None or self.session.state != "paused":
            self.notify("timeline: the program is not paused", severity="warning")
            return
        self.call_later(self._send_command, {"cmd": "timeline"})

    def action_pause(self) -> None:
        if self.session is not None and self.session.state == "running":
            self.session.pause()
            self.notify("pausing…", timeout=2)
        else:
            self.notify("pause: the program is not running", severity="warning")

    def action_save_output(self) -> None:
        """The Output pane keeps the newest lines; the whole output goes to a file on request."""
        path = os.path.join(self.cwd, "corodbg-output.txt")
        try:
            size = self.query_one(OutputPane).save(path)
        except OSError as error:
            reason = (f"{os.path.basename(path)} is a symbolic link; corodbg does not write through links"
                      if os.path.islink(path) else str(error))
            self.notify(f"cannot save the output: {reason}", severity="error")
            return
        self.notify(f"the program's output ({size:,} characters) is in {os.path.relpath(path)}", timeout=4)

    async def action_restart(self) -> None:
        self._typed_ahead.clear()
        await self._stop_session()
        self.query_one(OutputPane).reset()
        self.query_one(StepLogPane).reset()
        self.query_one(SourcePane).clear_source()
        await self._start_session()
        self._show_state()

    def action_internals(self) -> None:
        """Show or hide asyncio's own frames, tasks and callback names."""
        ready, coroutines = self.query_one(ReadyQueuePane), self.query_one(CoroutinesPane)
        show = not coroutines.show_internals
        ready.show_internals = show
        ready.refresh()
        coroutines.set_show_internals(show, self.state)
        self.notify("asyncio's internals shown" if show else "asyncio's internals hidden", timeout=2)

    def action_zoom(self) -> None:
        """Maximise the focused pane, or restore the layout when one is maximised."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        else:
            self.screen.action_maximize()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(KEYS))

    async def action_quit(self) -> None:
        await self._stop_session()
        self.exit(0)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, action, text in KEYS:
            name = _ACTION_NAMES.get(action, action.lower())
            if name in _DEBUGGER_ACTIONS or name in ("help", "save_output", "zoom", "internals"):
                yield SystemCommand(f"{action} ({key})", text, lambda name=name: self.call_later(
                    self.run_action, name))

    async def on_unmount(self) -> None:
        await self._stop_session()


def _command_text(command: Dict[str, Any]) -> str:
    """A command as the user would type it (``send 2``, ``step``, ``goto 7``)."""
    name = command.get("cmd", "")
    if name == "send":
        return f"send {command.get('index', 1)}"
    if name == "goto":
        return f"goto {command.get('step')}"
    return str(name)


def run_app(options: Any) -> int:
    """Run the UI for ``corodbg SCRIPT``; the exit code is 0 after a normal quit."""
    app = CorodbgApp(options.target, real_time=options.real_time, stdin=options.stdin, strict=options.strict,
                     record=os.path.abspath(options.record) if options.record else None,
                     replay=os.path.abspath(options.replay) if options.replay else None)
    result = app.run()
    session = app.session
    if session is not None and session.process is not None and session.process.returncode is None:
        try:  # the app ended some other way (ctrl+c): leave no child behind
            os.killpg(session.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return result if isinstance(result, int) else 0
