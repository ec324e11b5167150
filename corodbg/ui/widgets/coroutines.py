"""Every task as a tree of its await chain (outermost first), with its state and outcome.

Moving the cursor onto a frame (or a task: its innermost user frame) posts
:class:`CoroutinesPane.FrameSelected`; the app turns that into the selection
the Source and Frame panes show.

The tree is virtual: each task takes a header row, a row per frame and a
detail row (what it awaits, its result or exception); only the rows on screen
are drawn, found by bisecting the tasks' first rows. So 10,000 tasks are all
listed, and a pause costs one pass over plain integers, not 40,000 widgets.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from typing import Any, Dict, List, Optional, Set, Tuple

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from corodbg.ui.state import FrameRef, PauseState, innermost_user_index
from corodbg.ui.widgets.line_list import LineList

_STATE_STYLES = {
    "ready": "yellow", "running": "bold green", "waiting": "cyan",
    "done": "green", "failed": "bold red", "cancelled": "magenta",
}

#: Labels measured for the horizontal scroll width (the rest are assumed no wider).
_MEASURED_TASKS = 2000


class CoroutinesPane(LineList):
    """Tasks and their await chains; the cursor picks the frame shown in Source and Frame."""

    DEFAULT_CSS = """
    CoroutinesPane {
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("enter", "toggle", "Fold", show=False),
        Binding("left", "fold(True)", "Fold", show=False),
        Binding("right", "fold(False)", "Unfold", show=False),
    ]

    class FrameSelected(Message):
        """The user moved to another frame."""

        def __init__(self, ref: FrameRef) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.tasks: List[Dict[str, Any]] = []
        self.here: Tuple[Optional[str], bool] = (None, False)
        self.folded: Set[str] = set()
        self._starts: List[int] = []
        #: The task dicts the rows were laid out for (compared by identity).
        self._laid_out: List[Dict[str, Any]] = []
        #: task id -> (the task dict measured, its row count, its label width)
        self._measured: Dict[Any, Tuple[Dict[str, Any], int, int]] = {}
        self.placeholder = "(no tasks)"
        #: Show asyncio's own frames and tasks (the ``i`` key); by default only the program's.
        self.show_internals = False

    def on_mount(self) -> None:
        self.border_title = "Coroutines"

    # -- feeding -------------------------------------------------------------------

    def show_state(self, state: PauseState) -> None:
        """Lay out the rows again and put the cursor on the state's selected frame."""
        self.tasks = state.tasks if self.show_internals else [t for t in state.tasks if not t.get("internal")]
        self.here = (state.task, state.status == "paused")
        self._layout()
        hidden = len(state.tasks) - len(self.tasks)
        self.border_subtitle = (f"{len(self.tasks)} task{'s' if len(self.tasks) != 1 else ''}"
                                + (f" (+{hidden} of asyncio's)" if hidden else ""))
        row = self._row_of(state.selected)
        if row is not None:
            self.cursor = row
            if self.scrollable_content_region.height:
                self.scroll_to_row(row)
            self.call_after_refresh(self.scroll_to_row, row)

    def _layout(self) -> None:
        """Each task's first row. Unchanged tasks keep their dict (agent deltas), so their
        row counts and widths come from ``_measured`` without being looked at again."""
        if self._same_rows():
            return
        starts, row, width = [], 0, 0
        measured = self._measured
        for position, task in enumerate(self.tasks):
            starts.append(row)
            known = measured.get(task.get("id"))
            if known is None or known[0] is not task:
                known = measured[task.get("id")] = (
                    task, self._row_count(task), self._label_width(task) if position < _MEASURED_TASKS else 0)
            row += known[1]
            width = max(width, known[2])
        self._starts = starts
        self._laid_out = list(self.tasks)
        if len(measured) > 2 * len(self.tasks) + 100:  # tasks gone for good: forget them
            self._measured = {t.get("id"): measured[t.get("id")] for t in self.tasks}
        self.set_rows(row, width)

    def _same_rows(self) -> bool:
        """True when only some tasks' contents changed and none of their row counts: the usual
        ``send`` with 10,000 tasks. Then the rows stay where they are (the list is only redrawn)."""
        before = self._laid_out
        if len(before) != len(self.tasks):
            return False
        for old, new in zip(before, self.tasks, strict=True):
            if old is not new:
                known = self._measured.get(old.get("id"))
                if (old.get("id") != new.get("id") or known is None
                        or self._row_count(new) != known[1]):
                    return False
                self._measured[new.get("id")] = (new, known[1], known[2])
        self._laid_out = list(self.tasks)
        self.refresh()
        return True

    def shown_frames(self, task: Dict[str, Any]) -> List[int]:
        """The indices of the task's frames that get a row: the program's own, unless internals
        are shown (a task with no frame of the program's shows all of them)."""
        frames = task.get("frames") or []
        if self.show_internals:
            return list(range(len(frames)))
        own = [index for index, frame in enumerate(frames) if frame.get("user", True)]
        return own or list(range(len(frames)))

    def _row_count(self, task: Dict[str, Any]) -> int:
        if task.get("name") in self.folded:
            return 1
        return 1 + len(self.shown_frames(task)) + (1 if _has_detail(task) else 0)

    @staticmethod
    def _label_width(task: Dict[str, Any]) -> int:
        frames = task.get("frames") or []
        widest_frame = max((len(f.get("function") or "") + len(os.path.basename(f.get("file") or "")) + 12
                            for f in frames), default=0)
        return max(len(task.get("name", "")) + len(task.get("coroutine", "")) + 16, widest_frame)

    # -- rows ----------------------------------------------------------------------

    def _locate(self, row: int) -> Tuple[Dict[str, Any], int]:
        """The task of a row, and the row's place in it (0: the header)."""
        position = bisect_right(self._starts, row) - 1
        return self.tasks[position], row - self._starts[position]

    def _row_of(self, ref: Optional[FrameRef]) -> Optional[int]:
        if ref is None:
            return None
        for position, task in enumerate(self.tasks):
            if task.get("name") == ref.task:
                shown = self.shown_frames(task)
                if task.get("name") in self.folded or ref.index not in shown:
                    return self._starts[position]
                return self._starts[position] + 1 + shown.index(ref.index)
        return None

    def ref_at(self, row: int) -> Optional[FrameRef]:
        """The frame a row stands for: its own, or (header, detail) the task's innermost user frame."""
        if not 0 <= row < self.row_count:
            return None
        task, offset = self._locate(row)
        frames = task.get("frames") or []
        if not frames:
            return None
        shown = self.shown_frames(task)
        if 1 <= offset <= len(shown) and task.get("name") not in self.folded:
            return FrameRef(task["name"], shown[offset - 1])
        return FrameRef(task["name"], innermost_user_index(frames))

    def render_row(self, index: int) -> Text:
        task, offset = self._locate(index)
        frames = task.get("frames") or []
        if offset == 0:
            state = task.get("state", "")
            fold = "▶ " if task.get("name") in self.folded else "▼ "
            return Text.assemble(fold, (task.get("name", "?"), "bold"), " ", task.get("coroutine", ""), "  ",
                                 (state, _STATE_STYLES.get(state, "")))
        detail = _detail(task)
        shown = self.shown_frames(task)
        last = offset == len(shown) + (1 if detail is not None else 0)
        guide = Text("└ " if last else "├ ", "dim")
        if offset <= len(shown):
            index = shown[offset - 1]
            frame = frames[index]
            inner = innermost_user_index(frames)
            here = task.get("name") == self.here[0] and index == inner and self.here[1]
            user = frame.get("user", True)
            # asyncio's own frames by file only: their line numbers say little and differ per Python.
            where = os.path.basename(frame.get("file") or "?") + (f":{frame.get('line')}" if user else "")
            style = "" if user else "dim"
            return Text.assemble(guide, ("▶ " if here else "  ", "bold yellow"),
                                 (frame.get("function", "?"), style), "  ", (where, "dim"))
        return guide + (detail or Text(""))

    def set_show_internals(self, show: bool, state: PauseState) -> None:
        """Show (or hide again) asyncio's own frames and tasks."""
        self.show_internals = show
        self._measured.clear()
        self._laid_out = []
        self.show_state(state)

    # -- moving --------------------------------------------------------------------

    def on_line_list_cursor_moved(self, message: LineList.CursorMoved) -> None:
        message.stop()
        ref = self.ref_at(message.row)
        if ref is not None:
            self.post_message(self.FrameSelected(ref))

    def _fold(self, fold: bool) -> None:
        if not self.tasks:
            return
        task, _ = self._locate(self.cursor)
        name = task.get("name", "")
        if fold == (name in self.folded):
            return
        (self.folded.add if fold else self.folded.discard)(name)
        self._measured.pop(task.get("id"), None)
        self._laid_out = []
        self._layout()
        self.move_cursor(self._starts[self.tasks.index(task)], announce=False)

    # The pane's own "toggle" key action (fold a task), in place of DOMNode's toggle(attribute).
    def action_toggle(self) -> None:  # type: ignore[override]
        if self.tasks:
            task, _ = self._locate(self.cursor)
            self._fold(task.get("name") not in self.folded)

    def action_fold(self, fold: bool) -> None:
        self._fold(fold)


def _has_detail(task: Dict[str, Any]) -> bool:
    """Whether :func:`_detail` has a line for the task (without building it)."""
    return bool(task.get("exception") or task.get("awaiting") or task.get("state") == "cancelled"
                or (task.get("state") == "done" and task.get("result") is not None))


def _detail(task: Dict[str, Any]) -> Optional[Text]:
    """What a task's last row says: what it raised or returned, or what it awaits."""
    if task.get("exception"):
        return Text.assemble(("raised ", "red"), task["exception"])
    if task.get("state") in ("done", "cancelled") and task.get("result") is not None:
        return Text.assemble(("returned ", "green"), task["result"])
    if task.get("state") == "cancelled":
        return Text("cancelled", "magenta")
    if task.get("state") == "ready" and task.get("awaiting") in _READY_WORDS:
        return Text(_READY_WORDS[task["awaiting"]], "yellow")
    if task.get("awaiting"):
        return Text.assemble(("awaits ", "cyan"), task["awaiting"])
    return None


#: A ready task's next send, in words (the agent's action names).
_READY_WORDS = {
    "start": "starts at the next send of its item",
    "resume": "resumes at the next send of its item",
    "wakeup": "wakes up at the next send: what it awaited is done",
    "cancel": "gets CancelledError at the next send",
}
