"""The timeline screen (``t``): the run so far, a lane per task, steps (or virtual time) across.

Each column is a step (``v``: a value of the virtual clock, the steps run at
that time together). In a task's lane: ``█`` it ran, ``▒`` it was ready (its
handle queued), ``─`` it waited (on what: the line under the lanes says, for
the column under the cursor); marks: ``●`` a breakpoint hit, ``✗`` an exception
left the task, ``⊘`` it was cancelled, ``⇄`` a replayed schedule ran another item than the
head there. The current step is marked ``▼`` above
the lanes; steps that ran unobserved (``continue``) are ``░`` there. Left and
right (or a click) move the cursor; enter goes to that step, back or forth
(``goto N``). The data is the agent's answer to the ``timeline`` command,
asked for when the screen opens (pauses never carry it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from corodbg.ui.screens.dialog import DialogScreen

RAN, READY, WAITING, GONE, NONE = "ran", "ready", "waiting", "gone", ""
GLYPHS = {RAN: "█", READY: "▒", WAITING: "─", GONE: " ", NONE: " "}
MARKS = {"breakpoint": "●", "exception": "✗", "cancelled": "⊘", "deviation": "⇄"}
LANE_COLORS = ["#5fafff", "#87d75f", "#ffaf5f", "#d787ff", "#5fd7d7", "#ff87af"]
LABEL_WIDTH = 20
LEGEND = "█ ran  ▒ ready  ─ waiting  ● breakpoint  ✗ exception  ⊘ cancelled  ⇄ deviation  ▼ now  ░ unobserved"


@dataclass
class Lane:
    task_id: int
    name: str
    #: step -> (state, outcome text of the step it ran in, or what it waits on)
    states: Dict[int, Tuple[str, str]] = field(default_factory=dict)
    marks: Dict[int, str] = field(default_factory=dict)


class TimelineModel:
    """The agent's answer, as lanes and columns; plain data, no Textual (testable alone)."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.current = int(data.get("current") or 0)
        #: The task whose step is in progress at this pause (paused inside it), if any.
        running = data.get("running")
        self.running = str((data.get("names") or {}).get(str(running), f"task {running}")) \
            if running is not None else None
        self.first = max(0, int(data.get("first") or 1) - 1)  # column 0: the start, before step 1
        names = {int(key): str(value) for key, value in (data.get("names") or {}).items()}
        self.clock: Dict[int, float] = {0: 0.0} if self.first == 0 else {}
        self.runner: Dict[int, int] = {}
        events_by_task: Dict[int, List[Tuple[int, int, str]]] = {}
        # (step, order, what): a column is the state at the pause after its step; a task that
        # ran in a step and was queued again by it is ready from the next column.
        for step, task_id, clock, outcome in data.get("steps") or []:
            self.runner[int(step)] = int(task_id)
            self.clock[int(step)] = float(clock)
            events_by_task.setdefault(int(task_id), []).append((int(step), 0, str(outcome)))
        for step, task_id in data.get("ready") or []:
            events_by_task.setdefault(int(task_id), []).append((int(step), 1, ""))
        self.lanes: List[Lane] = []
        for task_id in sorted(events_by_task, key=lambda number: _creation_order(number, names)):
            lane = Lane(task_id, names.get(task_id, f"task {task_id}"))
            self._fill(lane, sorted(events_by_task[task_id]))
            self.lanes.append(lane)
        by_id = {lane.task_id: lane for lane in self.lanes}
        for step, task_id, kind, _text in data.get("marks") or []:
            marked = by_id.get(int(task_id))
            if marked is None:  # a mark in a lane that has no observed step in view (under continue)
                marked = by_id[int(task_id)] = Lane(int(task_id), names.get(int(task_id), f"task {task_id}"))
                self.lanes.append(marked)
            column = int(step) + 1 if self.runner.get(int(step) + 1) == marked.task_id else int(step)
            marked.marks[column] = MARKS.get(str(kind), "!")
        self.steps = list(range(self.first, self.current + 1))
        self.time_columns = False
        self.columns: List[List[int]] = []
        self.set_axis(False)

    def _fill(self, lane: Lane, happenings: List[Tuple[int, int, str]]) -> None:
        state, why, since = NONE, "", None
        for step, kind, outcome in happenings:
            if since is not None:
                for between in range(since, step):
                    lane.states[between] = (state, why)
            if kind == 1:  # ready from this step on
                if state == GONE:
                    continue
                state, why = READY, "ready"
                since = step + 1 if lane.states.get(step, (NONE, ""))[0] == RAN else step
                continue
            lane.states[step] = (RAN, outcome)
            if lane.task_id == 0:
                state, why, since = NONE, "", step + 1
            elif outcome.startswith("suspended"):
                state, why, since = WAITING, outcome.replace("suspended on", "waits on", 1), step + 1
            elif outcome:
                state, why, since = GONE, outcome, step + 1
            else:
                state, why, since = WAITING, "", step + 1
        if since is not None and state in (WAITING, READY):
            for between in range(since, self.current + 1):
                lane.states[between] = (state, why)

    def set_axis(self, virtual_time: bool) -> None:
        """Columns: one per step, or one per value of the virtual clock (its steps together)."""
        self.time_columns = virtual_time
        if not virtual_time:
            self.columns = [[step] for step in self.steps]
            return
        self.columns = []
        previous: Optional[float] = None
        for step in self.steps:
            clock = self.clock.get(step, previous)
            if self.columns and clock == previous:
                self.columns[-1].append(step)
            else:
                self.columns.append([step])
            previous = clock

    def column_of(self, step: int) -> int:
        for index, steps in enumerate(self.columns):
            if step in steps:
                return index
        return max(0, len(self.columns) - 1)

    def cell(self, lane: Lane, column: int) -> Tuple[str, str]:
        """(glyph, state) of a lane in a column: ran if it ran at any of the column's steps."""
        steps = self.columns[column]
        for step in steps:
            if step in lane.marks:
                return lane.marks[step], "mark"
        for step in steps:
            if lane.states.get(step, (NONE, ""))[0] == RAN:
                return GLYPHS[RAN], RAN
        state = lane.states.get(steps[-1], (NONE, ""))[0]
        return GLYPHS[state], state

    def observed(self, column: int) -> bool:
        return any(step == 0 or step in self.runner for step in self.columns[column])

    def describe(self, column: int) -> str:
        """The line under the lanes: the column's step(s), clock, who ran, what the others did."""
        steps = self.columns[column]
        head = f"step {steps[0]}" if len(steps) == 1 else f"steps {steps[0]}–{steps[-1]}"
        clock = self.clock.get(steps[-1])
        if clock is not None:
            head += f" · t={clock:.3f}s"
        if steps == [0]:
            return head + " · the start: nothing has run yet"
        if not any(step in self.runner for step in steps):
            if self.running is not None and self.current in steps:
                return head + f" · {self.running} is running it (paused inside the step)"
            return head + " · ran unobserved (continue)"
        parts = []
        for lane in self.lanes:
            for step in steps:
                state, why = lane.states.get(step, (NONE, ""))
                if state == RAN:
                    parts.append(f"{lane.name} ran" + (f" ({why})" if why else ""))
                    break
        return head + " · " + "; ".join(parts)


def _creation_order(number: int, names: Dict[int, str]) -> Tuple[int, int, int]:
    """Callbacks first, then tasks named Task-N by N (their creation order), then the others."""
    if number == 0:
        return (0, 0, 0)
    name = names.get(number, "")
    if name.startswith("Task-") and name[5:].isdigit():
        return (1, int(name[5:]), number)
    return (2, 0, number)


class TimelineView(Widget, can_focus=True):
    """The lanes, drawn for the visible columns only; a cursor column."""

    DEFAULT_CSS = """
    TimelineView {
        background: $panel;
    }
    """

    BINDINGS = [
        Binding("left", "move(-1)", "Earlier", show=False),
        Binding("right", "move(1)", "Later", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("pageup", "move(-20)", "Page left", show=False),
        Binding("pagedown", "move(20)", "Page right", show=False),
        Binding("up", "scroll_lanes(-1)", "Up", show=False),
        Binding("down", "scroll_lanes(1)", "Down", show=False),
    ]

    def __init__(self, model: TimelineModel) -> None:
        super().__init__()
        self.model = model
        self.cursor = model.column_of(model.current)
        self.left = 0  # first column shown
        self.top = 0   # first lane shown

    # -- moving ------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.set_cursor(self.cursor + delta)

    def action_move_to(self, column: int) -> None:
        self.set_cursor(column if column >= 0 else len(self.model.columns) - 1)

    def action_scroll_lanes(self, delta: int) -> None:
        self.top = max(0, min(self.top + delta, max(0, len(self.model.lanes) - self._lane_rows())))
        self.refresh()

    def set_cursor(self, column: int) -> None:
        self.cursor = max(0, min(column, len(self.model.columns) - 1))
        self.refresh()
        self.post_message(TimelineScreen.CursorMoved())

    def _cell(self) -> int:
        """Cells per column: a short run is drawn wide (up to 3), a long one a cell a step."""
        room = max(1, self.size.width - LABEL_WIDTH - 1)
        return max(1, min(3, room // max(1, len(self.model.columns))))

    def _width(self) -> int:
        """Columns on screen."""
        return max(1, (self.size.width - LABEL_WIDTH - 1) // self._cell())

    def _lane_rows(self) -> int:
        return max(1, self.size.height - 2)

    def _scroll_to_cursor(self) -> None:
        width = self._width()
        if self.cursor < self.left:
            self.left = self.cursor
        elif self.cursor >= self.left + width:
            self.left = self.cursor - width + 1
        self.left = max(0, min(self.left, max(0, len(self.model.columns) - width)))

    def on_click(self, event: events.Click) -> None:
        """A click on a column selects it; a click on the selected column goes there."""
        column = self.left + (event.x - LABEL_WIDTH - 1) // self._cell()
        if 0 <= column < len(self.model.columns):
            if column == self.cursor:
                self.screen.action_go()  # type: ignore[attr-defined]
            else:
                self.set_cursor(column)

    # -- drawing -------------------------------------------------------------------------

    def render(self) -> Text:
        model = self.model
        self._scroll_to_cursor()
        width, cell = self._width(), self._cell()
        shown = range(self.left, min(len(model.columns), self.left + width))
        current = model.column_of(model.current)
        lines: List[Text] = []
        top = Text(" " * (LABEL_WIDTH + 1))
        for column in shown:
            if column == current:
                top.append("▼".center(cell), "bold yellow")
            elif not model.observed(column):
                top.append("░" * cell, "dim")
            else:
                top.append(" " * cell)
        lines.append(top)
        for number, lane in enumerate(model.lanes[self.top:self.top + self._lane_rows()], start=self.top):
            name = lane.name if len(lane.name) <= LABEL_WIDTH - 1 else lane.name[:LABEL_WIDTH - 2] + "…"
            row = Text(name.ljust(LABEL_WIDTH), "bold" if lane.task_id else "dim")
            row.append("│", "dim")
            color = LANE_COLORS[number % len(LANE_COLORS)] if lane.task_id else "grey50"
            for column in shown:
                glyph, state = model.cell(lane, column)
                style = {RAN: color, READY: color, WAITING: "grey42", "mark": "bold #ff5f5f"}.get(state, "")
                if column == self.cursor:
                    style = f"{style} reverse" if glyph.strip() else "on grey23"
                elif column == current and not glyph.strip():
                    style = "on grey15"
                row.append(glyph * cell if state != "mark" else glyph.center(cell), style)
            lines.append(row)
        lines.append(self._axis(shown, cell))
        return Text("\n").join(lines)

    def _axis(self, shown: range, cell: int) -> Text:
        """Tick labels every 10 columns (5 when drawn wide): the step number (or the clock)."""
        model = self.model
        axis = Text(("virtual time" if model.time_columns else "step").rjust(LABEL_WIDTH) + "└", "dim")
        cells = [" "] * (len(shown) * cell)
        every = 10 if cell == 1 else 5
        for index, column in enumerate(shown):
            offset = index * cell
            if column % every == 0 or column == self.cursor:
                first = model.columns[column][0]
                label = f"{model.clock.get(first, 0.0):g}s" if model.time_columns else str(first)
                if offset + len(label) <= len(cells) and all(c == " " for c in cells[offset:offset + len(label) + 1]):
                    cells[offset:offset + len(label)] = list(label)
        axis.append("".join(cells), "dim")
        return axis


class TimelineScreen(DialogScreen[Optional[int]]):
    """The whole screen: the lanes, what the cursor's column holds, the keys. Dismissed with a step to go to."""

    DEFAULT_CSS = """
    TimelineScreen > .box {
        width: 100%;
    }
    TimelineScreen #where, TimelineScreen #legend {
        height: auto;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("t", "dismiss_none", "Close", show=False),
        Binding("q", "dismiss_none", "Close", show=False),
        Binding("enter", "go", "Go there"),
        Binding("v", "toggle_axis", "Steps / virtual time"),
    ]

    class CursorMoved(Message):
        """The cursor column changed: the line under the lanes follows."""

    def __init__(self, data: Dict[str, Any]) -> None:
        super().__init__()
        self.model = TimelineModel(data)

    def compose(self) -> ComposeResult:
        model = self.model
        with Vertical(classes="box") as box:
            box.border_title = (f"Timeline · steps {model.steps[0]}–{model.steps[-1]} · now at step {model.current}"
                                f" · {len(model.lanes)} lane{'s' if len(model.lanes) != 1 else ''}")
            box.border_subtitle = "←/→ move · enter goes there · v steps/virtual time · escape closes"
            yield TimelineView(model)
            yield Static("", id="where")
            yield Static(Text(LEGEND), id="legend")

    def on_mount(self) -> None:
        view = self.query_one(TimelineView)
        view.styles.height = len(self.model.lanes) + 2  # (at most the screen: the box's max-height)
        view.styles.max_height = "100%"
        view.focus()
        self._describe()

    def on_timeline_screen_cursor_moved(self, _: CursorMoved) -> None:
        self._describe()

    def _describe(self) -> None:
        view = self.query_one(TimelineView)
        self.query_one("#where", Static).update(Text(self.model.describe(view.cursor), no_wrap=True,
                                                     overflow="ellipsis"))

    def action_toggle_axis(self) -> None:
        view = self.query_one(TimelineView)
        step = self.model.columns[view.cursor][0]
        self.model.set_axis(not self.model.time_columns)
        view.left = 0
        view.set_cursor(self.model.column_of(step))

    def action_go(self) -> None:
        view = self.query_one(TimelineView)
        steps = self.model.columns[view.cursor]
        self.dismiss(steps[-1] if self.model.time_columns else steps[0])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
