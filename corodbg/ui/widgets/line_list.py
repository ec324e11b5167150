"""A scrollable list of one-line rows with a cursor, drawn only where it is visible.

The ready queue of a 10,000-task program and a long source file are both
"many rows, a few on screen". Textual's OptionList builds a renderable for
every option up front (a second for 1,000 items); this widget uses the Line
API instead: ``render_line`` asks :meth:`LineList.render_row` for the visible
rows only, so a repaint costs the same for 10 rows or 100,000.
"""

from __future__ import annotations

from typing import Hashable, List, Optional

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: The cursor row's band; brighter when the list has the focus.
CURSOR = Style(bgcolor="#26323f")
CURSOR_FOCUSED = Style(bgcolor="#2f4a66")


class LineList(ScrollView, can_focus=True):
    """Rows ``0 .. row_count-1``; subclasses say what each row shows."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
    ]

    class CursorMoved(Message):
        """The user moved the cursor to ``row``."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.row_count = 0
        self.cursor = 0
        #: Shown dimmed on the first line when there are no rows.
        self.placeholder = ""
        #: Whether the list has a cursor at all (Output scrolls without one).
        self.show_cursor = True
        #: Whether the cursor band shows when the list does not have the focus.
        self.show_cursor_unfocused = True
        #: Drawn rows by ``row_key`` (see there), bounded.
        self._drawn: LRUCache[Hashable, Strip] = LRUCache(1024)
        self._base_style = Style()

    # -- what subclasses provide -------------------------------------------------

    def render_row(self, index: int) -> Text:
        """The row's text, unstyled by the cursor (the list adds the band)."""
        raise NotImplementedError

    def row_style(self, index: int) -> Optional[Style]:
        """A background for the whole row (e.g. the current source line); None: the cursor's."""
        return None

    def row_key(self, index: int) -> Optional[Hashable]:
        """What the row's look depends on, for subclasses whose rows are costly to draw and
        rarely change (Source): drawn rows are then reused while the key stays. None: no reuse."""
        return None

    # -- feeding -------------------------------------------------------------------

    def set_rows(self, count: int, width: int = 0) -> None:
        """The list now has ``count`` rows (``width``: the widest, for horizontal scrolling)."""
        self.row_count = count
        self.cursor = min(self.cursor, max(0, count - 1))
        size = Size(width, max(1, count))
        if size != self.virtual_size:
            # Not through the reactive: its layout=True re-lays out the whole screen (tens of
            # ms with many widgets), though a fixed-size pane only needs its scrollbars updated.
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    def move_cursor(self, row: int, *, announce: bool = True) -> None:
        """Put the cursor on ``row`` (clamped) and scroll it into view."""
        if self.row_count == 0:
            return
        row = min(max(0, row), self.row_count - 1)
        changed = row != self.cursor
        self.cursor = row
        self.scroll_to_row(row)
        self.refresh()
        if changed and announce:
            self.post_message(self.CursorMoved(row))

    def scroll_to_row(self, row: int) -> None:
        """Scroll just enough that ``row`` is visible."""
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    # -- rendering -----------------------------------------------------------------

    def render_lines(self, crop: Region) -> List[Strip]:
        # The widget's style, once per repaint rather than once per row (``rich_style`` walks
        # the DOM's styles: ~0.15 ms a call, a third of a full-height pane's repaint).
        self._base_style = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self._base_style
        index = y + scroll_y
        if index >= self.row_count:
            text = self.placeholder if (self.row_count == 0 and y == 0) else ""
            return Strip([Segment(text, base + Style(dim=True))]).extend_cell_length(width, base).crop(0, width)
        band = self.row_style(index)
        cursor_shown = self.show_cursor and (self.has_focus or self.show_cursor_unfocused)
        if band is None and index == self.cursor and cursor_shown:
            band = CURSOR_FOCUSED if self.has_focus else CURSOR
        key = self.row_key(index)
        if key is not None:
            key = (key, band, scroll_x, width, base)
            drawn = self._drawn.get(key)
            if drawn is None:
                drawn = self._drawn[key] = self._draw_row(index, band, base, scroll_x, width)
            return drawn
        return self._draw_row(index, band, base, scroll_x, width)

    def _draw_row(self, index: int, band: Optional[Style], base: Style, scroll_x: int, width: int) -> Strip:
        line = self.render_row(index)
        line.end = ""
        if band is not None:
            line.stylize(band)
        strip = Strip(list(line.render(self.app.console))).apply_style(base)
        cut = strip.cell_length > scroll_x + width
        strip = strip.crop(scroll_x, scroll_x + width - (1 if cut else 0))
        if cut:  # a cut row says so: the rest may change its meaning
            strip = Strip([*strip, Segment("…", base + Style(dim=True) + band if band else base + Style(dim=True))])
        return strip.extend_cell_length(width, base + band if band is not None else base)

    # -- keys and mouse ------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor + delta)

    def action_cursor_page(self, direction: int) -> None:
        self.move_cursor(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_cursor_to(self, row: int) -> None:
        self.move_cursor(self.row_count - 1 if row < 0 else row)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y + self.scroll_offset.y < self.row_count:
            self.move_cursor(offset.y + self.scroll_offset.y)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
