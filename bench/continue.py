"""Continue headless against plain python: 100,000 task steps (500 tasks x 200 sleep(0)).

Runs the program of ``_common`` alternately with ``python PROGRAM``,
``corodbg --headless PROGRAM`` (nobody looks at pauses) and
``corodbg --headless -c continue PROGRAM`` (paused at the start, then continue:
what the UI's agent does) and prints the medians and their ratios to python.
Goal: at most 1.5x.

    python bench/continue.py [--rounds N]
"""

from __future__ import annotations

import argparse
import sys

from _common import bench_program, compare, corodbg, header, report

GOAL = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    header("bench/continue.py")
    with bench_program() as program:
        medians = compare({
            "python": [sys.executable, program.name],
            "headless": corodbg("--headless", program.name),
            "continue": corodbg("--headless", "-c", "continue", program.name),
        }, program.parent, rounds=rounds)
    report("continue headless, 100,000 steps", medians["headless"], "python", medians["python"], max_ratio=GOAL)
    report("continue headless -c continue, 100,000 steps", medians["continue"], "python", medians["python"],
           max_ratio=GOAL)


if __name__ == "__main__":
    main()
