"""Every task as a tree of its await chain (outermost first), with its state and outcome.

Highlighting a frame (or a task, meaning its innermost user frame) posts
:class:`CoroutinesPane.FrameSelected`; the app turns that into the selection
the Source and Frame panes show.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from corodbg.ui.state import FrameRef, PauseState, innermost_user_index

#: Tasks drawn as tree nodes; beyond this the tree says how many it leaves out, so
#: a program with 10,000 tasks repaints in milliseconds, not seconds.
MAX_TASKS_SHOWN = 200

_STATE_STYLES = {
    "ready": "yellow", "running": "bold green", "waiting": "cyan",
    "done": "green", "failed": "bold red", "cancelled": "magenta",
}


class CoroutinesPane(Tree[Optional[FrameRef]]):
    """Tasks and their await chains; the cursor picks the frame shown in Source and Frame."""

    DEFAULT_CSS = """
    CoroutinesPane {
        background: $surface;
    }
    """

    class FrameSelected(Message):
        """The user moved to another frame."""

        def __init__(self, ref: FrameRef) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__("tasks", id=id)
        self.show_root = False
        self.guide_depth = 2
        self._selected: Optional[FrameRef] = None
        #: task id -> (its node, the task dict it shows, the (paused task, paused?) it was drawn for)
        self._task_nodes: Dict[Any, Tuple[TreeNode[Optional[FrameRef]], Dict[str, Any], Tuple[Optional[str], bool]]] = {}
        self._shown_ids: List[Any] = []
        self._hidden_node: Optional[TreeNode[Optional[FrameRef]]] = None

    def on_mount(self) -> None:
        self.border_title = "Coroutines"

    def show_state(self, state: PauseState) -> None:
        """Bring the tree up to date and put the cursor on the state's selected frame.

        Incremental: when the same tasks are shown in the same order (the usual
        case: a send changes one or two of them), only the tasks whose data
        changed are redrawn; the agent's deltas keep unchanged tasks' dicts
        identical, so the test is ``is``.
        """
        self._selected = state.selected
        shown = state.tasks[:MAX_TASKS_SHOWN]
        if state.selected is not None and all(t.get("name") != state.selected.task for t in shown):
            selected = state.task_named(state.selected.task)
            if selected is not None:
                shown = [selected] + shown[:-1]
        here = (state.task, state.status == "paused")
        ids = [task.get("id") for task in shown]
        if ids != self._shown_ids or not shown:
            self._rebuild(state, shown, here)
        else:
            for task in shown:
                node, drawn, drawn_here = self._task_nodes[task.get("id")]
                if drawn is not task or (drawn_here != here and task.get("name") in (here[0], drawn_here[0])):
                    self._redraw_task(node, task, state, here)
                elif drawn_here != here:
                    self._task_nodes[task.get("id")] = (node, task, here)
        hidden = len(state.tasks) - len(shown)
        if self._hidden_node is not None and hidden <= 0:
            self._hidden_node.remove()
            self._hidden_node = None
        elif hidden > 0:
            label = Text(f"… {hidden:,} more tasks not shown", "dim italic")
            if self._hidden_node is None:
                self._hidden_node = self.root.add_leaf(label, data=None)
            else:
                self._hidden_node.set_label(label)
        self.border_subtitle = f"{len(state.tasks)} task{'s' if len(state.tasks) != 1 else ''}"
        target = self._node_for(state.selected)
        if target is not None:
            _ = self.last_line  # lays the lines out now, so the node knows its line
            if target.line >= 0:
                self._move_to(target)
            else:
                self.call_after_refresh(self._move_to, target)

    def _rebuild(self, state: PauseState, shown: List[Dict[str, Any]], here: Tuple[Optional[str], bool]) -> None:
        self.clear()
        self._task_nodes = {}
        self._hidden_node = None
        self._shown_ids = [task.get("id") for task in shown]
        if not state.tasks:
            self.root.add_leaf(Text("(no tasks)", "dim"), data=None)
        for task in shown:
            node = self.root.add(self._task_label(task), data=None, expand=True)
            self._redraw_task(node, task, state, here)

    def _redraw_task(self, node: TreeNode[Optional[FrameRef]], task: Dict[str, Any], state: PauseState,
                     here: Tuple[Optional[str], bool]) -> None:
        """One task's node: its label, a leaf per frame of its await chain, and a detail line."""
        frames = task.get("frames") or []
        name = task.get("name", "?")
        inner = innermost_user_index(frames) if frames else 0
        node.set_label(self._task_label(task))
        node.data = FrameRef(name, inner) if frames else None
        node.remove_children()
        for index, frame in enumerate(frames):
            is_here = name == here[0] and index == inner and here[1]
            node.add_leaf(self._frame_label(frame, is_here), data=FrameRef(name, index))
        detail = self._detail(task)
        if detail is not None:
            node.add_leaf(detail, data=FrameRef(name, inner) if frames else None)
        self._task_nodes[task.get("id")] = (node, task, here)

    def _node_for(self, ref: Optional[FrameRef]) -> Optional[TreeNode[Optional[FrameRef]]]:
        if ref is None:
            return None
        task = next((n for n, info, _ in self._task_nodes.values() if info.get("name") == ref.task), None)
        if task is None:
            return None
        for child in task.children:
            if child.data == ref:
                return child
        return None

    def _move_to(self, node: TreeNode[Optional[FrameRef]]) -> None:
        if node.tree is self and node.line >= 0:
            self.cursor_line = node.line
            self.scroll_to_line(node.line)

    @staticmethod
    def _task_label(task: Dict[str, Any]) -> Text:
        state = task.get("state", "")
        return Text.assemble((task.get("name", "?"), "bold"), " ", task.get("coroutine", ""), "  ",
                             (state, _STATE_STYLES.get(state, "")))

    @staticmethod
    def _frame_label(frame: Dict[str, Any], here: bool) -> Text:
        where = f"{os.path.basename(frame.get('file') or '?')}:{frame.get('line')}"
        style = "" if frame.get("user", True) else "dim"
        return Text.assemble(("▶ " if here else "  ", "bold yellow"), (frame.get("function", "?"), style),
                             "  ", (where, "dim"))

    @staticmethod
    def _detail(task: Dict[str, Any]) -> Optional[Text]:
        if task.get("exception"):
            return Text.assemble(("raised ", "red"), task["exception"])
        if task.get("state") in ("done", "cancelled") and task.get("result") is not None:
            return Text.assemble(("returned ", "green"), task["result"])
        if task.get("state") == "cancelled":
            return Text("cancelled", "magenta")
        if task.get("awaiting"):
            return Text.assemble(("awaits ", "cyan"), task["awaiting"])
        return None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Optional[FrameRef]]) -> None:
        event.stop()
        ref = event.node.data
        if ref is not None and ref != self._selected:
            self._selected = ref
            self.post_message(self.FrameSelected(ref))
