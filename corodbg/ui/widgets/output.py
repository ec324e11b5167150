"""The program's stdout and stderr, newest lines kept in bounded memory.

Chunks arrive as the program writes them (``"in outer"`` then ``"\\n"``), so the
pane keeps an unfinished line per stream and appends whole lines to a bounded
deque. Lines are drawn only when they are on screen (the Line API, as the
Source pane): a flood of 200,000 lines costs an append each, not a RichLog's
styling and cutting of every line (six seconds of the UI's time before). ANSI
escapes go through ``Text.from_ansi`` so colours show and nothing can move the
terminal's cursor; a very long line is cut for display.

The pane shows paths short (relative, ``<stdlib>/``) like every other pane,
and only the newest lines; the whole output, exactly as received, is spooled
to a temporary file, which ``save`` copies out (the ``o`` key).
"""

from __future__ import annotations

import os
import shutil
import sysconfig
import tempfile
from collections import deque
from itertools import repeat
from typing import IO, Any, Deque, Dict, Hashable, Iterable, List, Optional, Tuple

from rich.cells import cell_len
from rich.text import Text
from textual import events

from corodbg.ui.widgets.line_list import LineList
from corodbg.ui.widgets.pane_size import LaidOutPane

_STREAM_STYLES = {"stdout": "", "stderr": "#ff8787", "agent": "magenta"}
MAX_LINES = 5000
#: Longer lines are cut for display (the spool keeps them whole).
MAX_LINE_LENGTH = 2000
AGENT_PREFIX = "[corodbg] "


class OutputPane(LaidOutPane, LineList):
    """Write chunks in; never blocks (the app hands batches, at most ~30 a second)."""

    DEFAULT_CSS = """
    OutputPane {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow: auto auto;
    }
    """

    def __init__(self, *, id: Optional[str] = None, max_lines: int = MAX_LINES) -> None:
        super().__init__(id=id)
        self.max_lines = max_lines
        self.show_cursor = False
        #: The lines kept for the pane, as shown (paths shortened, ``\r`` applied, cut), escapes kept.
        self._rows: Deque[Tuple[str, str]] = deque(maxlen=max_lines)
        #: How many lines have scrolled out of ``_rows``: a row's number for the drawing cache.
        self._dropped = 0
        self._widest = 0
        self._partial: Dict[str, str] = {}
        self._shorten: List[Tuple[str, str]] = []
        self._spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace", newline="")
        #: What came, in order, for cutting back (time travel): [stream, characters, counted, text of
        #: an agent note]; consecutive chunks of one kind share an entry. Counted: written through
        #: sys.stdout/sys.stderr, which the agent counts (fd-level output and notes are not).
        self._journal: List[List[Any]] = []

    def on_mount(self) -> None:
        self.border_title = "Output"
        self.placeholder = "(nothing printed yet)"

    def set_cwd(self, cwd: str) -> None:
        """Paths under ``cwd`` (and the standard library) are shown short, as in the other panes."""
        stdlib = sysconfig.get_paths().get("stdlib", "")
        self._shorten = [(os.path.join(os.path.abspath(cwd), ""), "")]
        if stdlib:
            self._shorten.append((os.path.join(stdlib, ""), "<stdlib>/"))

    def reset(self) -> None:
        self._partial.clear()
        self._rows.clear()
        self._dropped = self._widest = 0
        self._drawn.clear()
        self._spool.close()
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace", newline="")
        self._journal = []
        self.set_rows(0)
        self.scroll_to(0, 0, animate=False)

    def text_lines(self) -> List[str]:
        """The kept lines as the pane shows them, without styles."""
        return [self.render_row(index).plain for index in range(len(self._rows))]

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

    def add_chunks(self, chunks: Iterable[Tuple[Any, ...]]) -> None:
        """Append ``(stream, data)`` or ``(stream, data, counted)`` chunks; complete lines become rows.

        Only the newest ``max_lines`` lines of a batch can be on screen: older ones
        go to the spool (``o`` saves them) without being looked at for the pane.
        """
        raw: List[Tuple[str, str]] = []
        journal = self._journal
        for chunk in chunks:
            stream, data = chunk[0], chunk[1]
            counted = bool(chunk[2]) if len(chunk) > 2 else stream != "agent"
            if stream != "agent":
                self._spool.write(data)
                if journal and journal[-1][0] == stream and journal[-1][2] == counted:
                    journal[-1][1] += len(data)
                else:
                    journal.append([stream, len(data), counted, None])
            else:
                journal.append([stream, len(data), False, data])
            pending = self._partial.pop(stream, "") + data
            *complete, rest = pending.split("\n")
            raw.extend(zip(repeat(stream), complete))
            if rest:
                self._partial[stream] = rest
        self._append(raw)

    def rewind(self, counts: Dict[str, int]) -> None:
        """Going back: keep the output as it was when the program had written ``counts`` characters
        (per stream, through sys.stdout/sys.stderr); later output goes, corodbg's notes stay.

        Output that is not counted (fd-level writes, notes) is kept up to the first character
        of counted output beyond the counts. The pane is rebuilt from the spool.
        """
        self._spool.flush()
        self._spool.seek(0)
        text = self._spool.read()
        kept: List[Tuple[str, str, bool]] = []
        notes: List[Tuple[str, str, bool]] = []
        written = {name: 0 for name in counts}
        position = 0
        cut = False
        for stream, size, counted, note in self._journal:
            if note is not None:
                (notes if cut else kept).append((stream, note, False))
                continue
            data = text[position:position + size]
            position += size
            if cut:
                continue
            if counted:
                room = counts.get(stream, 0) - written.get(stream, 0)
                if size > room:
                    data = data[:max(0, room)]
                    cut = True
                written[stream] = written.get(stream, 0) + len(data)
            if data:
                kept.append((stream, data, counted))
        self.reset()
        self.add_chunks(kept + notes)
        self.flush_partial()
        self.refresh()

    def flush_partial(self) -> None:
        """Show unfinished lines too (at a pause, and at the end)."""
        lines = list(self._partial.items())
        self._partial.clear()
        self._append(lines)

    def _append(self, lines: List[Tuple[str, str]]) -> None:
        if not lines:
            return
        following = self.scroll_offset.y >= self.max_scroll_y  # at the end: stay there
        skipped = max(0, len(lines) - self.max_lines)
        if skipped:
            lines = lines[skipped:]
        overflow = max(0, len(self._rows) + len(lines) - self.max_lines)
        self._dropped += skipped + overflow
        shown = [(stream, self._shown(line)) for stream, line in lines]
        self._rows.extend(shown)
        self._widest = max(self._widest, max(map(_width, shown)))
        self.set_rows(len(self._rows), self._widest)
        if following:
            self.scroll_to(y=max(0, len(self._rows) - self.scrollable_content_region.height), animate=False)

    def _shown(self, line: str) -> str:
        if "\r" in line:
            line = carriage_returns(line)
        if len(line) > MAX_LINE_LENGTH:
            line = line[:MAX_LINE_LENGTH] + f"… ({len(line) - MAX_LINE_LENGTH:,} more characters)"
        for prefix, short in self._shorten:
            if prefix in line:
                line = line.replace(prefix, short)
        return line

    # -- drawing (visible rows only) ---------------------------------------------------

    def row_key(self, index: int) -> Hashable:
        return self._dropped + index  # rows never change once written

    def render_row(self, index: int) -> Text:
        stream, line = self._rows[index]
        style = _STREAM_STYLES.get(stream, "")
        # Escapes are decoded (colours shown, the rest neutralised); plain lines, most of a
        # flood, need no decoding: no escape, no control character to strip.
        if "\x1b" in line or not line.isprintable():
            text = Text.from_ansi(line, end="")
        else:
            text = Text(line, end="")
        if style:  # as a span under the escapes' own colours (LineList draws spans, not a Text's base style)
            text.stylize_before(style)
        if stream == "agent":
            text = Text(AGENT_PREFIX, "bold magenta") + text
        return text

    # -- keys: the pane scrolls (it has no cursor) -------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + delta, animate=False)

    def action_cursor_page(self, direction: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + direction * max(1, self.scrollable_content_region.height - 1),
                       animate=False)

    def action_cursor_to(self, row: int) -> None:
        self.scroll_to(y=self.max_scroll_y if row < 0 else 0, animate=False)

    def on_click(self, event: events.Click) -> None:
        pass  # no cursor to put there


def _width(row: Tuple[str, str]) -> int:
    """Cells the row may take (at most: escapes count, though they take none)."""
    line = row[1]
    return len(AGENT_PREFIX) + (len(line) if line.isascii() else cell_len(line))


def carriage_returns(line: str) -> str:
    """The line as a terminal leaves it: each ``\\r`` returns to its start and overwrites.

    Progress bars print ``\\r 10%\\r 20%...``; shown raw that is one huge line cut
    at 2,000 characters, where a terminal shows the last state.
    """
    shown = ""
    for segment in line.rstrip("\r").split("\r"):
        shown = segment + shown[len(segment):]
    return shown
