"""An unhit breakpoint, corodbg against pdb, both against plain python: 300,000 task switches.

1,500 tasks x 200 ``await asyncio.sleep(0)``, with one breakpoint inside the
hot coroutine on a line that never runs. Four commands alternate in one run:
``python P``, ``python -m pdb P`` (``b P:LINE``, ``c``), ``corodbg --headless
-c 'break P:LINE' -c continue P`` and, for reference, corodbg with no
breakpoint. Goal (3.12+, where both debuggers can use ``sys.monitoring``):
corodbg at most 1.05x python, and no more than pdb's ratio.

    python bench/breakpoints_vs_pdb.py [--rounds N]
"""

from __future__ import annotations

import argparse
import sys

from _common import STEPS_PROGRAM, UNHIT_LINE, bench_program, compare, corodbg, header, report

GOAL = 1.05
PROGRAM = STEPS_PROGRAM.replace("TASKS, ROUNDS = 500, 200", "TASKS, ROUNDS = 1500, 200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    header("bench/breakpoints_vs_pdb.py")
    with bench_program(PROGRAM) as program:
        breakpoint_ = f"{program.name}:{UNHIT_LINE}"
        medians = compare({
            "python": [sys.executable, program.name],
            "pdb": [sys.executable, "-m", "pdb", program.name],
            "corodbg": corodbg("--headless", "-c", f"break {breakpoint_}", "-c", "continue", program.name),
            "corodbg, no breakpoint": corodbg("--headless", "-c", "continue", program.name),
        }, program.parent, rounds=rounds, stdin={"pdb": f"break {breakpoint_}\ncontinue\nquit\n".encode()})
    pdb_ratio = medians["pdb"] / medians["python"]
    report("pdb, unhit breakpoint, 300,000 task switches", medians["pdb"], "python", medians["python"])
    report("corodbg, no breakpoint", medians["corodbg, no breakpoint"], "python", medians["python"])
    report("corodbg, unhit breakpoint", medians["corodbg"], "python", medians["python"],
           max_ratio=min(GOAL, pdb_ratio))


if __name__ == "__main__":
    main()
