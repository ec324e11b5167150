"""The Frame pane's tree: containers and objects open one level at a time."""

from __future__ import annotations

from ui_helpers import make_app, press_and_settle, run_async

from corodbg.ui.widgets.frame import FramePane

SIZE = (120, 40)


def labels(node) -> list:
    return [child.label.plain for child in node.children]


async def open_node(pilot, frame: FramePane, path: tuple) -> None:
    node = frame.path_nodes[path]
    frame.move_cursor(node)
    await press_and_settle(pilot, "enter")
    for _ in range(200):  # the agent's answer replaces the "…" placeholder
        if labels(node) != ["…"]:
            return
        await pilot.pause(0.01)


@run_async
async def test_locals_open_into_their_children():
    app = make_app("nested.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot)
        await app._send_command({"cmd": "break", "spec": ["tests/ui/programs/nested.py:22"]})
        await press_and_settle(pilot, "c")
        frame = app.query_one(FramePane)
        frame.focus()
        assert [label.split()[0] for label in labels(frame.root)] == ["config", "many", "slotted"]
        assert set(frame.path_nodes) == {("config",), ("many",), ("slotted",)}  # all three expand
        await open_node(pilot, frame, ("config",))
        assert [label.split()[0] for label in labels(frame.path_nodes[("config",)])] == ["'name'", "'points'",
                                                                                     "'empty'"]
        await open_node(pilot, frame, ("config", 1))
        await open_node(pilot, frame, ("config", 1, 0))
        assert [" ".join(label.split()) for label in labels(frame.path_nodes[("config", 1, 0)])] == ["x 1", "y 2"]
        await open_node(pilot, frame, ("many",))
        assert labels(frame.path_nodes[("many",)])[-1] == "… 300 more"
