"""Panes whose size the layout decides: new content re-lays out the pane's scrollbars, not the screen.

Textual answers a change of a scrolling widget's content size (a Tree's new
nodes, a RichLog's new lines) with ``refresh(layout=True)``, which reflows the
whole screen: ~25 ms at 120x40, on every pause. A corodbg pane's size never
depends on its content (the panes share the screen by fractions), so only its
scrollbars must follow -- unless one of them appears or goes, which does move
things inside the pane: then the full layout still runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.geometry import Region

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object  # a plain mixin: Textual merges COMPONENT_CLASSES along widget bases only


class LaidOutPane(_Base):
    """Mixed in before a ScrollView subclass (Tree, RichLog)."""

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Any:
        if layout and not recompose and self.is_mounted:
            shown = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
            self._scroll_update(self.virtual_size)
            if shown == (self.show_vertical_scrollbar, self.show_horizontal_scrollbar):
                layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
