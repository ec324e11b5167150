"""An unhit breakpoint against none: 100,000 task steps (500 tasks x 200 sleep(0)).

The breakpoint sits inside the hot coroutine, on a line that never runs: the
worst case for tracing. Goal: at most 1.3x.

    python bench/breakpoints.py
"""

from __future__ import annotations

import sys

from _common import UNHIT_LINE, bench_program, compare, corodbg


def main() -> None:
    with bench_program() as program:
        medians = compare({
            "no breakpoint": corodbg("--headless", "-c", "continue", program.name),
            "unhit breakpoint": corodbg("--headless", "-c", f"break {program.name}:{UNHIT_LINE}", "-c",
                                        "continue", program.name),
        }, program.parent)
    base, with_bp = medians["no breakpoint"], medians["unhit breakpoint"]
    print(f"breakpoints (Python {sys.version.split()[0]}): none {base:.3f} s, unhit {with_bp:.3f} s, "
          f"ratio {with_bp / base:.2f}x (goal <= 1.3x)")


if __name__ == "__main__":
    main()
