"""The program's stdout and stderr, newest lines kept in bounded memory.

Chunks arrive as the program writes them (``"in outer"`` then ``"\\n"``), so the
pane keeps an unfinished line per stream and writes whole lines, many at a time,
into a RichLog with ``max_lines``. ANSI escapes go through ``Text.from_ansi`` so
colours show and nothing can move the terminal's cursor.
"""

from __future__ import annotations

import os
import sysconfig
from typing import Dict, Iterable, List, Optional, Tuple

from rich.text import Text
from textual.widgets import RichLog

_STREAM_STYLES = {"stdout": "", "stderr": "#ff8787", "agent": "magenta"}
MAX_LINES = 5000


class OutputPane(RichLog):
    """Write chunks in; never blocks (the app hands batches, at most ~30 a second)."""

    DEFAULT_CSS = """
    OutputPane {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow: auto auto;
    }
    """

    def __init__(self, *, id: Optional[str] = None, max_lines: int = MAX_LINES) -> None:
        super().__init__(id=id, max_lines=max_lines, wrap=False, markup=False, highlight=False,
                         auto_scroll=True)
        self._partial: Dict[str, str] = {}
        self._empty = True
        self._shorten: List[Tuple[str, str]] = []

    def on_mount(self) -> None:
        self.border_title = "Output"
        self._show_empty()

    def set_cwd(self, cwd: str) -> None:
        """Paths under ``cwd`` (and the standard library) are shown short, as in the other panes."""
        stdlib = sysconfig.get_paths().get("stdlib", "")
        self._shorten = [(os.path.join(os.path.abspath(cwd), ""), "")]
        if stdlib:
            self._shorten.append((os.path.join(stdlib, ""), "<stdlib>/"))

    def _show_empty(self) -> None:
        self.clear()
        self.write(Text("(nothing printed yet)", "dim"))
        self._empty = True

    def reset(self) -> None:
        self._partial.clear()
        self._show_empty()

    def add_chunks(self, chunks: Iterable[Tuple[str, str]]) -> None:
        """Append ``(stream, data)`` chunks; complete lines are written in one go."""
        lines: List[Text] = []
        for stream, data in chunks:
            pending = self._partial.pop(stream, "") + data
            *complete, rest = pending.split("\n")
            lines.extend(self._line(stream, line) for line in complete)
            if rest:
                self._partial[stream] = rest
        self._write_lines(lines)

    def flush_partial(self) -> None:
        """Show unfinished lines too (at a pause, and at the end)."""
        lines = [self._line(stream, data) for stream, data in self._partial.items()]
        self._partial.clear()
        self._write_lines(lines)

    def _line(self, stream: str, line: str) -> Text:
        for prefix, short in self._shorten:
            if prefix in line:
                line = line.replace(prefix, short)
        text = Text.from_ansi(line.rstrip("\r"), style=_STREAM_STYLES.get(stream, ""), end="")
        if stream == "agent":
            text = Text("[corodbg] ", "bold magenta") + text
        return text

    def _write_lines(self, lines: List[Text]) -> None:
        if not lines:
            return
        if self._empty:
            self.clear()
            self._empty = False
        lines = lines[-self.max_lines:] if self.max_lines else lines
        self.write(Text("\n").join(lines), scroll_end=True)
