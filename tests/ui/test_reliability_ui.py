"""The UI side of docs/reliability.md: floods, stdin, a tiny terminal."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ui_helpers import REPO_ROOT, make_app, output_text, press_and_settle, run_async

from corodbg.ui.widgets.output import MAX_LINES, OutputPane


@run_async
async def test_output_keeps_the_newest_lines_and_saves_all_of_them():
    app = make_app("flood.py")
    saved = REPO_ROOT / "corodbg-output.txt"
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            started = time.monotonic()
            await press_and_settle(pilot, "c")
            assert time.monotonic() - started < 20  # a 200,000-character line does not stall it
            assert app.state.status_text() == "finished (exit 0)"
            pane = app.query_one(OutputPane)
            assert len(pane.text_lines()) <= MAX_LINES
            shown = output_text(app)
            assert "line 0\n" not in shown and "line 5999" in shown and "the end" in shown
            assert "\x1b" not in shown and "green and a very long line" in shown
            assert "more characters)" in shown  # the long line is cut for display only
            await press_and_settle(pilot, "o")
            lines = saved.read_text(encoding="utf-8").splitlines()
            assert lines[:6000] == [f"line {number}" for number in range(6000)]
            assert lines[6000] == "\x1b[32mgreen\x1b[0m and a very long line: " + "y" * 200_000
            assert lines[6001:] == ["not utf-8: \ufffd", "the end"]
    finally:
        saved.unlink(missing_ok=True)


@run_async
async def test_reading_the_null_stdin_is_reported():
    app = make_app("stdin_echo.py")
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_settle(pilot, "c")
        text = output_text(app)
        assert "[corodbg] the program read stdin, which is the null device here" in text
        assert "read: (nothing: end of file)" in text


@run_async
async def test_the_app_stays_usable_at_40x12_and_back():
    app = make_app("chain.py")
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_settle(pilot)
        await pilot.resize_terminal(40, 12)
        await press_and_settle(pilot, "s", "s")
        assert "in outer" in output_text(app)
        await pilot.resize_terminal(120, 40)
        await press_and_settle(pilot, "c")
        assert app.state.status_text() == "finished (exit 0)"


@run_async
async def test_saving_the_output_never_follows_a_planted_symlink():
    """``o`` refuses a ``corodbg-output.txt`` that is a symbolic link, and says so."""
    victim = Path(tempfile.mkdtemp()) / "victim.txt"
    victim.write_text("precious\n")
    link = REPO_ROOT / "corodbg-output.txt"
    link.unlink(missing_ok=True)
    link.symlink_to(victim)
    app = make_app("chain.py")
    notes = []
    app.notify = lambda message, **kwargs: notes.append(message)  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await press_and_settle(pilot, "c", "o")
        assert victim.read_text() == "precious\n"
        assert link.is_symlink()
        assert any("symbolic link" in note for note in notes), notes
    finally:
        link.unlink(missing_ok=True)


@run_async
async def test_carriage_returns_show_the_last_state_and_ctrl_c_is_killed_by_sigint():
    app = make_app("progress_and_interrupt.py")
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_settle(pilot, "c", "c")
        assert "progress 100% ##########" in output_text(app).splitlines()
        assert "progress  99%" not in output_text(app)
        assert app.state.status_text() == "killed by SIGINT"
