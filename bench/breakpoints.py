"""An unhit breakpoint against none: 100,000 task steps (500 tasks x 200 sleep(0)).

The breakpoint sits inside the hot coroutine, on a line that never runs: the
worst case for tracing (3.12+: sys.monitoring; 3.10-3.11: the function is
recompiled with a hook at the line, see corodbg/agent/tracing/linehooks.py). Both runs
pause at the start and continue. Goal: at most 1.3x.

    python bench/breakpoints.py [--rounds N]
"""

from __future__ import annotations

import argparse

from _common import UNHIT_LINE, bench_program, compare, corodbg, header, report

GOAL = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    header("bench/breakpoints.py")
    with bench_program() as program:
        medians = compare({
            "none": corodbg("--headless", "-c", "continue", program.name),
            "unhit": corodbg("--headless", "-c", f"break {program.name}:{UNHIT_LINE}", "-c", "continue",
                             program.name),
        }, program.parent, rounds=rounds)
    report("unhit breakpoint, 100,000 steps", medians["unhit"], "no breakpoint", medians["none"], max_ratio=GOAL)


if __name__ == "__main__":
    main()
