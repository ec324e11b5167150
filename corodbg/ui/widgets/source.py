"""The selected frame's source file, syntax-highlighted, with the current line marked.

Uses Textual's Line API (a ScrollView that renders only the visible lines), so a
long file costs nothing per repaint. Marks: ``▶`` and a highlight for the
selected frame's line, ``◆`` for lines where other tasks are suspended, a
breakpoint column (``●`` a breakpoint, ``◉`` one with a condition or a task,
``○`` a one-shot one) and a cursor line, the line ``b`` toggles a breakpoint on.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Hashable, List, Optional, Tuple, Union

from rich.style import Style
from rich.syntax import Syntax
from rich.text import Span, Text

from corodbg.ui.state import PauseState
from corodbg.ui.widgets.line_list import LineList

_CURRENT = Style(bgcolor="#403800")
_CURRENT_MARK = Style(color="yellow", bold=True)
_OTHER_MARK = Style(color="cyan", bold=True)
_LINE_NUMBER = Style(color="#707070")
_BREAKPOINT_MARK = Style(color="#ff5f5f", bold=True)


def breakpoint_mark(breakpoint_: Optional[Dict[str, Any]]) -> str:
    """The gutter character for a breakpoint: plain, conditional (or one task's), one-shot."""
    if breakpoint_ is None:
        return " "
    if breakpoint_.get("temporary"):
        return "○"
    return "◉" if breakpoint_.get("condition") or breakpoint_.get("task") else "●"


def highlight_file(path: str) -> List[Text]:
    """The file's lines as highlighted Text (no theme background: the pane has its own)."""
    with open(path, encoding="utf-8", errors="replace") as file:
        code = file.read().expandtabs(4)
    highlighted = Syntax(code, "python", theme="monokai", background_color="default").highlight(code)
    lines = list(highlighted.split("\n", allow_blank=True))
    for line in lines:
        line.style = ""
        line.spans = [Span(span.start, span.end, _foreground(span.style)) for span in line.spans]
        line.end = ""
        line.no_wrap = True
    if lines and not lines[-1].plain and code.endswith("\n"):
        lines.pop()
    return lines


def _foreground(style: Union[str, Style]) -> Style:
    """A token's style without its background, so the pane's own line marks show through."""
    style = Style.parse(style) if isinstance(style, str) else style
    return Style(color=style.color, bold=style.bold, italic=style.italic, underline=style.underline)


class SourcePane(LineList):
    """Shows one file; follows the selected frame; never reads the session."""

    DEFAULT_CSS = """
    SourcePane {
        background: $surface;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.cwd = os.getcwd()
        self.file: Optional[str] = None
        self.lines: List[Text] = []
        self.current_line = 0
        self.other_lines: Dict[int, str] = {}
        self.breakpoint_lines: Dict[int, Dict[str, Any]] = {}
        self._cache: Dict[str, Tuple[float, List[Text]]] = {}
        self.placeholder = "(no source yet)"
        self.show_cursor_unfocused = False  # the cursor is for b/B: shown while Source has the focus

    @property
    def cursor_line(self) -> int:
        """The 1-based line ``b`` acts on."""
        return self.cursor + 1

    def on_mount(self) -> None:
        self.border_title = "Source"

    # -- feeding -------------------------------------------------------------------

    def show_state(self, state: PauseState, cwd: str) -> None:
        self.cwd = cwd
        position = state.source_position()
        if position is None:
            self.current_line = 0
            self.other_lines = {}
            self.breakpoint_lines = state.breakpoints_in(self.file) if self.file else {}
            if self.file is None:
                self.placeholder = "(the program is over)" if state.is_over else "(no source position)"
            self.refresh()
            return
        file, line, path = position
        if file != self.file:
            self._load(file, path)
        self.current_line = line if state.status == "paused" or state.selected is not None else 0
        self.other_lines = state.suspended_lines(file)
        self.breakpoint_lines = state.breakpoints_in(file)
        self.cursor = max(0, min(line - 1, self.row_count - 1))
        self.border_title = f"Source — {file}"
        self.refresh()
        # Centre now (no flicker) and again after the layout: a newly loaded file's
        # virtual size only bounds the scroll once Textual has laid it out.
        self._centre(line)
        self.call_after_refresh(self._centre, line)

    def show_line(self, state: PauseState, file: str, line: int) -> None:
        """Put the cursor on ``file:line`` (from the breakpoint list); the next pause follows the frame again."""
        if file != self.file:
            self._load(file)
            self.current_line = 0
            self.other_lines = {}
            self.border_title = f"Source — {file}"
            self.breakpoint_lines = state.breakpoints_in(file)
        self.move_cursor(line - 1)
        self._centre(line)

    def show_breakpoints(self, state: PauseState) -> None:
        """Only the breakpoints changed (``b``): redraw the marks, keep the cursor where it is."""
        self.breakpoint_lines = state.breakpoints_in(self.file) if self.file else {}
        self.refresh()

    def clear_source(self) -> None:
        self.file = None
        self.lines = []
        self.current_line = 0
        self.other_lines = {}
        self.breakpoint_lines = {}
        self.placeholder = "(no source yet)"
        self.border_title = "Source"
        self.set_rows(0)

    def _load(self, file: str, path: Optional[str] = None) -> None:
        """Show ``file`` (its name as shown) read from ``path`` (the agent's real path, for
        library files shown as ``<lib>/...``), else from the file name itself."""
        self.file = file
        if path is None:
            path = file if os.path.isabs(file) else os.path.join(self.cwd, file)
        try:
            mtime = os.stat(path).st_mtime
            cached = self._cache.get(path)
            if cached is None or cached[0] != mtime:
                cached = (mtime, highlight_file(path))
                self._cache[path] = cached
            self.lines = cached[1]
        except OSError:
            self.lines = []
            self.placeholder = f"(source not available: {file})"
        width = max((line.cell_len for line in self.lines), default=0) + 4 + len(str(len(self.lines)))
        self.set_rows(len(self.lines), width)

    def _centre(self, line: int) -> None:
        height = self.scrollable_content_region.height
        if line and (line - 1 < self.scroll_offset.y or line - 1 >= self.scroll_offset.y + height):
            self.scroll_to(y=max(0, line - 1 - height // 3), animate=False)

    # -- rendering -----------------------------------------------------------------

    def render_row(self, index: int) -> Text:
        number = index + 1
        digits = len(str(len(self.lines)))
        if number == self.current_line:
            mark, mark_style = "▶ ", _CURRENT_MARK
        elif number in self.other_lines:
            mark, mark_style = "◆ ", _OTHER_MARK
        else:
            mark, mark_style = "  ", Style()
        gutter = Text.assemble((breakpoint_mark(self.breakpoint_lines.get(number)), _BREAKPOINT_MARK),
                               (mark, mark_style), (f"{number:>{digits}} ", _LINE_NUMBER))
        gutter.end = ""
        return gutter + self.lines[index]

    def row_key(self, index: int) -> Hashable:
        """A row is its file's line (highlighted once per file) and its marks."""
        number = index + 1
        mark = self.breakpoint_lines.get(number)
        return (id(self.lines), index, len(self.lines), number == self.current_line, number in self.other_lines,
                breakpoint_mark(mark) if mark is not None else None)

    def row_style(self, index: int) -> Optional[Style]:
        return _CURRENT if index + 1 == self.current_line else None
