"""The selected frame's locals, as the safe reprs the agent sent; containers open as a tree.

A local the agent marked expandable (a dict, a list, an object with
attributes) gets a ``▶``; opening it posts :class:`FramePane.ExpandRequested`
with the node's path (the local's name, then child positions), the app asks
the agent, and :meth:`FramePane.show_children` fills the node in. One level
is fetched at a time, so a huge structure costs nothing until it is opened.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple, Union

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from corodbg.ui.widgets.pane_size import LaidOutPane

Path = Tuple[Union[str, int], ...]

#: Names are padded to a column this wide at most, so values line up.
NAME_COLUMN = 24


class FramePane(LaidOutPane, Tree[Optional[Path]]):
    """Locals as rows ``name  value``; expandable ones open into their children."""

    DEFAULT_CSS = """
    FramePane {
        background: $surface;
    }
    """

    class ExpandRequested(Message):
        """The user opened a node whose children are not loaded yet."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__("locals", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.path_nodes: Dict[Path, TreeNode[Optional[Path]]] = {}
        self._loaded: set = set()

    def on_mount(self) -> None:
        self.border_title = "Frame"

    def show_frame(self, frame: Optional[Dict[str, Any]], task: Optional[str],
                   global_vars: Optional[Dict[str, str]] = None, *,
                   exception: Optional[Dict[str, Any]] = None) -> None:
        """The frame's locals, then the module variables its code uses (``global_vars``);
        for the raise site of an exception, then its traceback, as python prints it."""
        self.clear()
        self.path_nodes = {}
        self._loaded = set()
        if frame is None:
            self.border_title = "Frame"
            self.border_subtitle = ""
            self.root.add_leaf(Text("(no frame selected)", "dim"), data=None)
            return
        where = f"{os.path.basename(frame.get('file') or '?')}:{frame.get('line')}"
        self.border_title = f"Frame — {frame.get('function')} ({where})"
        self.border_subtitle = task or ""
        local_vars: Dict[str, str] = frame.get("locals") or {}
        global_vars = global_vars or {}
        if exception is not None:
            self.border_title = f"Frame — {frame.get('function')} ({where}) raised {exception.get('type', '')}"
        if not local_vars and not global_vars:
            self.root.add_leaf(Text("(no locals)", "dim"), data=None)
            self._add_traceback(exception)
            return
        expandable = set(frame.get("expandable") or [])
        width = min(NAME_COLUMN, max(len(name) for name in [*local_vars, *global_vars]))
        for name, value in local_vars.items():
            self._add(self.root, (name,), name, str(value), name in expandable, width)
        if global_vars:
            self.root.add_leaf(Text("globals", "dim italic"), data=None)
            for name, value in global_vars.items():
                self.root.add_leaf(Text.assemble((name.ljust(width), "bold cyan"), "  ", str(value)), data=None)
        self._add_traceback(exception)
        self.cursor_line = 0  # enter opens the first local at once

    def _add_traceback(self, exception: Optional[Dict[str, Any]]) -> None:
        """``traceback (most recent call last)``: a row per entry, the program's own bright."""
        if exception is None:
            return
        node = self.root.add(Text("traceback (most recent call last)", "dim italic"), data=None, expand=True)
        for entry in exception.get("stack") or []:
            user = entry.get("user", True)
            where = f"{os.path.basename(entry.get('file') or '?')}:{entry.get('line')}"
            node.add_leaf(Text.assemble((entry.get("function", "?"), "bold" if user else "dim"), "  ",
                                        (where, "dim"), "  ", (entry.get("source", ""), "" if user else "dim")),
                          data=None)
        summary = exception.get("type", "")
        if exception.get("message"):
            summary += f": {exception['message']}"
        node.add_leaf(Text(summary, "bold red"), data=None)

    def _add(self, parent: TreeNode[Optional[Path]], path: Path, name: str, value: str, expandable: bool,
             width: int) -> None:
        label = Text.assemble((name.ljust(width), "bold"), "  ", value)
        if expandable:
            self.path_nodes[path] = parent.add(label, data=path, expand=False, allow_expand=True)
        else:
            parent.add_leaf(label, data=path)

    def render_label(self, node: TreeNode[Optional[Path]], base_style: Style, style: Style) -> Text:
        """A label too wide for the pane ends in an ellipsis (a cut value may mislead)."""
        text = super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        if room > 1 and text.cell_len > room:
            text.truncate(room, overflow="ellipsis")
        return text

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Optional[Path]]) -> None:
        event.stop()
        path = event.node.data
        if path is not None and path not in self._loaded:
            self._loaded.add(path)
            event.node.add_leaf(Text("…", "dim"), data=None)
            self.post_message(self.ExpandRequested(path))

    def show_children(self, path: Path, answer: Optional[Dict[str, Any]], error: str = "") -> None:
        """Fill the node at ``path`` with the agent's answer (or say why there is none)."""
        node = self.path_nodes.get(path)
        if node is None:
            return  # the pane moved on to another frame meanwhile
        node.remove_children()
        if answer is None:
            node.add_leaf(Text(error or "(cannot look inside)", "red"), data=None)
            return
        entries: List[Dict[str, Any]] = answer.get("children") or []
        if not entries:
            node.add_leaf(Text("(empty)", "dim"), data=None)
        width = min(NAME_COLUMN, max((len(entry.get("name", "")) for entry in entries), default=0))
        for position, entry in enumerate(entries):
            self._add(node, (*path, position), str(entry.get("name", "")), str(entry.get("value", "")),
                      bool(entry.get("expandable")), width)
        if answer.get("more"):
            node.add_leaf(Text(f"… {answer['more']:,} more", "dim italic"), data=None)
