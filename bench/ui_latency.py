"""How fast the UI answers: key press -> repaint, and the time to the first screen.

Runs the real app with Textual's Pilot (headless, 120x40), against the real
agent in a child process. The reference of each figure is when the agent's
answer (the pause event) reached the app, measured in the same press: the ratio
says how much the UI adds to what the engine and the pipe cost.
Goals: `s` on chain.py median <= 50 ms; a send with 10,000 live tasks
(bench/many_tasks.py) median <= 100 ms; first screen <= 1 s.

    python bench/ui_latency.py [--presses 30] [--skip-many]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from pathlib import Path

from _common import header, report, use_bytecode_cache
from _ui import close_app, open_app, press

REPO_ROOT = Path(__file__).resolve().parents[1]


async def chain(presses: int) -> None:
    firsts, first_arrivals, steps, step_arrivals = [], [], [], []
    while len(steps) < presses:
        app, probe, pilot, context, painted, arrived = await open_app("samples/chain.py", REPO_ROOT)
        firsts.append(painted)
        first_arrivals.append(arrived)
        while len(steps) < presses and not app.state.is_over:
            painted, arrived = await press(app, probe, pilot, "s")
            steps.append(painted)
            step_arrivals.append(arrived)
        await close_app(pilot, context)
    report(f"chain.py first screen (median of {len(firsts)})", statistics.median(firsts),
           "start pause received", statistics.median(first_arrivals), unit="ms", max_value=1.0)
    p90 = sorted(steps)[int(len(steps) * 0.9)]
    report(f"chain.py key s -> repaint (median of {len(steps)}, p90 {p90 * 1000:.0f} ms)",
           statistics.median(steps), "pause received", statistics.median(step_arrivals), unit="ms", max_value=0.05)


async def many_tasks(sends: int) -> None:
    app, probe, pilot, context, painted, arrived = await open_app("bench/many_tasks.py", REPO_ROOT)
    report("many_tasks.py first screen", painted, "start pause received", arrived, unit="ms", max_value=1.0)
    painted, arrived = await press(app, probe, pilot, "space")
    report(f"many_tasks.py send main() -> repaint ({len(app.state.tasks)} tasks created)", painted,
           "pause received", arrived, unit="ms")
    results = [await press(app, probe, pilot, "space") for _ in range(sends)]
    report(f"many_tasks.py send with 10,000 tasks -> repaint (median of {sends})",
           statistics.median(r[0] for r in results), "pause received", statistics.median(r[1] for r in results),
           unit="ms", max_value=0.1)
    await close_app(pilot, context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--sends", type=int, default=5)
    parser.add_argument("--skip-many", action="store_true", help="skip the 10,000-task case")
    args = parser.parse_args()
    os.chdir(REPO_ROOT)
    use_bytecode_cache()
    header("bench/ui_latency.py")
    asyncio.run(chain(args.presses))
    if not args.skip_many:
        asyncio.run(many_tasks(args.sends))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
