"""Run every benchmark, one after the other, and repeat their figures at the end.

    python bench/all.py [--quick]

``--quick`` runs fewer rounds (a smoke check, not figures to publish). The
scripts can also run alone: bench/continue.py, breakpoints.py, ui_latency.py,
ui_continue.py, memory.py, breakpoints_vs_pdb.py, tmux_screen.py (and, apart:
time_travel.py, test_asyncio_on_corodbg.py). Each prints

    FIGURE: VALUE | REFERENCE: VALUE | ratio R.RRx | goal ... | met / NOT MET

with the reference measured in the same run (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("continue.py", ["--rounds", "2"]),
    ("breakpoints.py", ["--rounds", "2"]),
    ("ui_continue.py", ["--rounds", "2"]),
    ("ui_latency.py", ["--presses", "10", "--sends", "2"]),
    ("memory.py", ["--rounds", "1"]),
    ("breakpoints_vs_pdb.py", ["--rounds", "2"]),
    ("tmux_screen.py", ["--presses", "5", "--lines", "100000"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    quick = parser.parse_args().quick
    lines, failed = [], []
    for script, quick_args in SCRIPTS:
        argv = [sys.executable, str(HERE / script), *(quick_args if quick else [])]
        done = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(done.stdout)
        sys.stdout.flush()
        lines += [line for line in done.stdout.splitlines() if " | ratio " in line]
        if done.returncode != 0:
            failed.append(script)
    print("\n# all figures")
    for line in lines:
        print(line)
    unmet = [line for line in lines if line.endswith("NOT MET")]
    print(f"# {len(lines) - len(unmet)} of {len(lines)} goals met"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
