"""The program's stdout and stderr, newest lines kept in bounded memory.

Chunks arrive as the program writes them (``"in outer"`` then ``"\\n"``), so the
pane keeps an unfinished line per stream and writes whole lines, many at a time,
into a RichLog with ``max_lines``. ANSI escapes go through ``Text.from_ansi`` so
colours show and nothing can move the terminal's cursor; a very long line is
cut for display.

The pane shows paths short (relative, ``<stdlib>/``) like every other pane,
and only the newest lines; the whole output, exactly as received, is spooled
to a temporary file, which ``save`` copies out (the ``o`` key).
"""

from __future__ import annotations

import os
import shutil
import sysconfig
import tempfile
from typing import IO, Dict, Iterable, List, Optional, Tuple

from rich.text import Text
from textual.widgets import RichLog

from corodbg.ui.widgets.pane_size import LaidOutPane

_STREAM_STYLES = {"stdout": "", "stderr": "#ff8787", "agent": "magenta"}
MAX_LINES = 5000
#: Longer lines are cut for display (the spool keeps them whole).
MAX_LINE_LENGTH = 2000


class OutputPane(LaidOutPane, RichLog):
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
        self._spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")

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
        self._spool.close()
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
        self._show_empty()

    def save(self, path: str) -> int:
        """Write the program's whole output so far (stdout and stderr as they came) to ``path``."""
        self._spool.flush()
        self._spool.seek(0)
        # Never through a symbolic link: a planted ``corodbg-output.txt -> ~/.bashrc`` must not
        # overwrite its target (ELOOP, reported by the caller as a notification).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                     0o644)
        with open(fd, "w", encoding="utf-8") as target:
            shutil.copyfileobj(self._spool, target)
            size = target.tell()
        self._spool.seek(0, os.SEEK_END)
        return size

    def add_chunks(self, chunks: Iterable[Tuple[str, str]]) -> None:
        """Append ``(stream, data)`` chunks; complete lines are written in one go.

        Only the newest ``max_lines`` lines of a batch can be on screen: older ones
        go to the spool (``o`` saves them) without being styled for the pane.
        """
        raw: List[Tuple[str, str]] = []
        for stream, data in chunks:
            if stream != "agent":
                self._spool.write(data)
            pending = self._partial.pop(stream, "") + data
            *complete, rest = pending.split("\n")
            raw.extend((stream, line) for line in complete)
            if rest:
                self._partial[stream] = rest
        if self.max_lines:
            raw = raw[-self.max_lines:]
        self._write_lines([self._line(stream, line) for stream, line in raw])

    def flush_partial(self) -> None:
        """Show unfinished lines too (at a pause, and at the end)."""
        lines = [self._line(stream, data) for stream, data in self._partial.items()]
        self._partial.clear()
        self._write_lines(lines)

    def _line(self, stream: str, line: str) -> Text:
        if "\r" in line:
            line = carriage_returns(line)
        if len(line) > MAX_LINE_LENGTH:
            line = line[:MAX_LINE_LENGTH] + f"… ({len(line) - MAX_LINE_LENGTH:,} more characters)"
        for prefix, short in self._shorten:
            if prefix in line:
                line = line.replace(prefix, short)
        style = _STREAM_STYLES.get(stream, "")
        # Escapes are decoded (colours shown, the rest neutralised); plain lines, most of a
        # flood, need no decoding: no escape, no control character to strip.
        if "\x1b" in line or not line.isprintable():
            text = Text.from_ansi(line, style=style, end="")
        else:
            text = Text(line, style=style, end="")
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


def carriage_returns(line: str) -> str:
    """The line as a terminal leaves it: each ``\\r`` returns to its start and overwrites.

    Progress bars print ``\\r 10%\\r 20%...``; shown raw that is one huge line cut
    at 2,000 characters, where a terminal shows the last state.
    """
    shown = ""
    for segment in line.rstrip("\r").split("\r"):
        shown = segment + shown[len(segment):]
    return shown
