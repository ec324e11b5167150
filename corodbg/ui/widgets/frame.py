"""The selected frame's locals, as the safe repr strings the agent sent."""

from __future__ import annotations

import os
from typing import Any, Dict, Optional

from rich.text import Text
from textual.widgets import DataTable


class FramePane(DataTable):
    """A two-column table (name, value); empty frames say so instead of showing nothing."""

    DEFAULT_CSS = """
    FramePane {
        background: $surface;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_header=False)

    def on_mount(self) -> None:
        self.border_title = "Frame"
        self.add_column("name", key="name")
        self.add_column("value", key="value")

    def show_frame(self, frame: Optional[Dict[str, Any]], task: Optional[str]) -> None:
        self.clear()
        if frame is None:
            self.border_title = "Frame"
            self.add_row(Text("(no frame selected)", "dim"), "")
            return
        where = f"{os.path.basename(frame.get('file') or '?')}:{frame.get('line')}"
        self.border_title = f"Frame — {frame.get('function')} ({where})"
        self.border_subtitle = task or ""
        local_vars = frame.get("locals") or {}
        if not local_vars:
            self.add_row(Text("(no locals)", "dim"), "")
            return
        for name, value in local_vars.items():
            self.add_row(Text(name, "bold"), Text(str(value)))
