"""The selected frame's source file, syntax-highlighted, with the current line marked.

Uses Textual's Line API (a ScrollView that renders only the visible lines), so a
long file costs nothing per repaint. Marks: ``▶`` and a highlight for the
selected frame's line, ``◆`` for lines where other tasks are suspended, a
breakpoint column (``●`` a breakpoint, ``◉`` one with a condition or a task,
``○`` a one-shot one) and a cursor line, the line ``b`` toggles a breakpoint on.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple, Union

from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Span, Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from corodbg.ui.state import PauseState

_CURRENT = Style(bgcolor="#403800")
_CURSOR = Style(bgcolor="#26323f")
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
    lines = highlighted.split("\n", allow_blank=True)
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


class SourcePane(ScrollView, can_focus=True):
    """Shows one file; follows the selected frame; never reads the session."""

    DEFAULT_CSS = """
    SourcePane {
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", "Line up", show=False),
        Binding("down", "cursor(1)", "Line down", show=False),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False),
        Binding("home", "cursor_to(1)", "First line", show=False),
        Binding("end", "cursor_to(-1)", "Last line", show=False),
    ]

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.cwd = os.getcwd()
        self.file: Optional[str] = None
        self.lines: List[Text] = []
        self.current_line = 0
        self.other_lines: Dict[int, str] = {}
        self.breakpoint_lines: Dict[int, Dict[str, Any]] = {}
        self.cursor_line = 1
        self._cache: Dict[str, Tuple[float, List[Text]]] = {}
        self._placeholder: Optional[str] = "(no source yet)"

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
                self._placeholder = "(the program is over)" if state.is_over else "(no source position)"
            self.refresh()
            return
        file, line = position
        if file != self.file:
            self._load(file)
        self.current_line = line if state.status == "paused" or state.selected is not None else 0
        self.other_lines = state.suspended_lines(file)
        self.breakpoint_lines = state.breakpoints_in(file)
        self.cursor_line = max(1, line)
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
        self._set_cursor(line)
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
        self._placeholder = "(no source yet)"
        self.border_title = "Source"
        self.virtual_size = Size(0, 1)
        self.refresh()

    def _load(self, file: str) -> None:
        self.file = file
        path = file if os.path.isabs(file) else os.path.join(self.cwd, file)
        try:
            mtime = os.stat(path).st_mtime
            cached = self._cache.get(path)
            if cached is None or cached[0] != mtime:
                cached = (mtime, highlight_file(path))
                self._cache[path] = cached
            self.lines = cached[1]
            self._placeholder = None
        except OSError:
            self.lines = []
            self._placeholder = f"(source not available: {file})"
        width = max((line.cell_len for line in self.lines), default=0) + 4 + len(str(len(self.lines)))
        self.virtual_size = Size(width, max(1, len(self.lines)))

    def _centre(self, line: int) -> None:
        height = self.scrollable_content_region.height
        if line and (line - 1 < self.scroll_offset.y or line - 1 >= self.scroll_offset.y + height):
            self.scroll_to(y=max(0, line - 1 - height // 3), animate=False)

    # -- rendering -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + scroll_y
        if self._placeholder is not None or index >= len(self.lines):
            text = self._placeholder if (self._placeholder and y == 0) else ""
            return Strip([Segment(text, base + Style(dim=True))]).extend_cell_length(width, base).crop(0, width)
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
        line = gutter + self.lines[index]
        line.end = ""
        if number == self.current_line:
            line.stylize(_CURRENT)
        elif number == self.cursor_line and self.has_focus:
            line.stylize(_CURSOR)
        row_style = base + (_CURRENT if number == self.current_line else
                            _CURSOR if number == self.cursor_line and self.has_focus else Style())
        segments = list(line.render(self.app.console))
        strip = Strip(segments).apply_style(base)
        strip = strip.crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, row_style)

    # -- moving the cursor -----------------------------------------------------------

    def _set_cursor(self, line: int) -> None:
        if not self.lines:
            return
        self.cursor_line = min(max(1, line), len(self.lines))
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if self.cursor_line - 1 < top:
            self.scroll_to(y=self.cursor_line - 1, animate=False)
        elif self.cursor_line - 1 >= top + height:
            self.scroll_to(y=self.cursor_line - height, animate=False)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self._set_cursor(self.cursor_line + delta)

    def action_cursor_page(self, direction: int) -> None:
        self._set_cursor(self.cursor_line + direction * max(1, self.scrollable_content_region.height - 1))

    def action_cursor_to(self, line: int) -> None:
        self._set_cursor(len(self.lines) if line < 0 else line)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self._set_cursor(offset.y + self.scroll_offset.y + 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
