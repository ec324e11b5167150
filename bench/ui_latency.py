"""How fast the UI answers: key press → repaint for `s`, and the time to the first screen.

Runs the real app with Textual's Pilot (headless), against the real agent in a
child process. Prints figures; asserts nothing (timings belong in benchmarks,
not in tests). Goals: median `s` ≤ 50 ms, first screen ≤ 1 s.

    python bench/ui_latency.py [--presses 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import corodbg
from textual import events

from corodbg.agent.runner import Target
from corodbg.ui.app import CorodbgApp

REPO_ROOT = Path(corodbg.__file__).parent.parent
SIZE = (120, 40)


async def settle(pilot) -> None:
    await asyncio.wait_for(pilot.app.settled(), 120)
    await pilot.pause()


PAINTS: list = []


def watch_paints(app: CorodbgApp) -> None:
    """Record when the compositor hands a frame to the (headless) driver."""
    original = app._display

    def display(screen, renderable) -> None:
        original(screen, renderable)
        PAINTS.append(time.perf_counter())

    app._display = display


async def press(pilot, key: str) -> float:
    """Seconds from the key event until the first frame painted after the answer reached the panes.

    Pilot.press() itself waits for idle several times (~100 ms of its own), so the
    key event is posted to the driver directly and the paint is observed instead.
    """
    app = pilot.app
    before = app.command_count
    start = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else (" " if key == "space" else None)))
    while app.command_count == before and key in ("s", "space", "c"):
        await asyncio.sleep(0.0005)
    if key == "r":
        while app.state.status != "starting" and app.last_render_time < start:
            await asyncio.sleep(0.0005)
    await asyncio.wait_for(app.settled(), 120)
    rendered = app.last_render_time
    while not PAINTS or PAINTS[-1] < rendered:
        await asyncio.sleep(0.0005)
    painted = PAINTS[-1]
    await pilot.pause()
    return painted - start


async def first_screen(program: str) -> tuple:
    """(seconds to the first settled screen, the app, the pilot context) for ``program``."""
    start = time.perf_counter()
    app = CorodbgApp(Target(program), cwd=str(REPO_ROOT))
    watch_paints(app)
    context = app.run_test(size=SIZE)
    pilot = await context.__aenter__()
    await asyncio.wait_for(app.settled(), 120)
    while not PAINTS or PAINTS[-1] < app.last_render_time:
        await asyncio.sleep(0.0005)
    elapsed = PAINTS[-1] - start
    await pilot.pause()
    return elapsed, app, pilot, context
    return time.perf_counter() - start, app, pilot, context


async def step_latency(presses: int) -> None:
    elapsed, app, pilot, context = await first_screen("samples/chain.py")
    print(f"chain.py: first screen {elapsed * 1000:.0f} ms")
    steps, restarts = [], []
    while len(steps) < presses:
        if app.state.is_over:
            restarts.append(await press(pilot, "r"))
            continue
        steps.append(await press(pilot, "s"))
    await pilot.press("q")
    await context.__aexit__(None, None, None)
    print(f"chain.py: key 's' → repaint: median {statistics.median(steps) * 1000:.1f} ms, "
          f"p90 {sorted(steps)[int(len(steps) * 0.9)] * 1000:.1f} ms, max {max(steps) * 1000:.1f} ms "
          f"over {len(steps)} presses")
    if restarts:
        print(f"chain.py: key 'r' → repainted start pause: median {statistics.median(restarts) * 1000:.0f} ms "
              f"over {len(restarts)} restarts")


async def many_tasks() -> None:
    elapsed, app, pilot, context = await first_screen("bench/many_tasks.py")
    print(f"many_tasks.py: first screen {elapsed * 1000:.0f} ms (1 task)")
    sends = [await press(pilot, "space")]
    print(f"many_tasks.py: send main() (creates 10,000 tasks) → repaint {sends[0] * 1000:.0f} ms, "
          f"{len(app.state.tasks)} tasks, {len(app.state.ready)} ready")
    more = [await press(pilot, "space") for _ in range(5)]
    print(f"many_tasks.py: send with 10,000 tasks → repaint: median {statistics.median(more) * 1000:.0f} ms "
          f"over {len(more)} sends")
    await pilot.press("q")
    await context.__aexit__(None, None, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--skip-many", action="store_true", help="skip the 10,000-task case")
    args = parser.parse_args()
    os.chdir(REPO_ROOT)
    print(f"python {sys.version.split()[0]}, terminal {SIZE[0]}x{SIZE[1]} (headless Pilot)")
    asyncio.run(step_latency(args.presses))
    if not args.skip_many:
        asyncio.run(many_tasks())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
