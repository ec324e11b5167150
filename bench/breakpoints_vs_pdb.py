"""An unhit breakpoint, corodbg against pdb, both against plain python: 300,000 task switches.

1,500 tasks x 200 ``await asyncio.sleep(0)``, with one breakpoint inside the
hot coroutine on a line that never runs. Four commands alternate in one run:
``python P``, ``python -m pdb P`` (``b P:LINE``, ``c``), ``corodbg --headless
-c 'break P:LINE' -c continue P`` and, for reference, corodbg with no
breakpoint. Goal (3.12+, where both debuggers can use ``sys.monitoring``):
corodbg at most 1.05x python, and no more than pdb's ratio.

Each figure is given twice: from the medians and from the fastest runs. On a
shared VM one run in four or five is slowed by 20-50 % by the neighbours (plain
python alone: 0.46-0.74 s for the same run); the fastest of N alternating runs
is the steadiest measure of the program's own cost (timeit's reasoning).

    python bench/breakpoints_vs_pdb.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys

from _common import STEPS_PROGRAM, UNHIT_LINE, bench_program, compare_runs, corodbg, header, report

GOAL = 1.05
PROGRAM = STEPS_PROGRAM.replace("TASKS, ROUNDS = 500, 200", "TASKS, ROUNDS = 1500, 200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    header("bench/breakpoints_vs_pdb.py")
    with bench_program(PROGRAM) as program:
        breakpoint_ = f"{program.name}:{UNHIT_LINE}"
        runs = compare_runs({
            "python": [sys.executable, program.name],
            "pdb": [sys.executable, "-m", "pdb", program.name],
            "corodbg": corodbg("--headless", "-c", f"break {breakpoint_}", "-c", "continue", program.name),
            "corodbg, no breakpoint": corodbg("--headless", "-c", "continue", program.name),
        }, program.parent, rounds=rounds, stdin={"pdb": f"break {breakpoint_}\ncontinue\nquit\n".encode()})
    for statistic in (statistics.median, min):
        figures = {name: statistic(times) for name, times in runs.items()}
        python = figures["python"]
        print(f"-- {statistic.__name__} of {rounds} runs each")
        report("pdb, unhit breakpoint, 300,000 task switches", figures["pdb"], "python", python)
        report("corodbg, no breakpoint", figures["corodbg, no breakpoint"], "python", python)
        report("corodbg, unhit breakpoint", figures["corodbg"], "python", python,
               max_ratio=min(GOAL, figures["pdb"] / python))


if __name__ == "__main__":
    main()
