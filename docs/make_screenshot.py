"""Regenerate docs/screenshot.svg, the README's picture: samples/lost_update.py paused at a
breakpoint on the write, the other task's read already stale (160x42, nothing cut).

    python docs/make_screenshot.py      (from the repository, with corodbg and textual installed)
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ui"))

from ui_helpers import press_and_settle  # noqa: E402

from corodbg.agent.runner import Target  # noqa: E402
from corodbg.ui.app import CorodbgApp  # noqa: E402

WRITE_LINE = 23  # counter = value + 1


async def main() -> None:
    app = CorodbgApp(Target("samples/lost_update.py"), cwd=str(REPO))
    async with app.run_test(size=(160, 42)) as pilot:
        # Source has the focus after three tabs; the cursor walks to the write; b, then c twice.
        await press_and_settle(pilot, "tab", "tab", "tab", "home", *["down"] * (WRITE_LINE - 1), "b", "c", "c")
        app.save_screenshot(str(REPO / "docs" / "screenshot.svg"))


if __name__ == "__main__":
    asyncio.run(main())
