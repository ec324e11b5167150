"""Continue in the UI against continue headless: 100,000 task steps (500 tasks x 200 sleep(0)).

The UI figure: the real app (Textual's Pilot, headless) on the program of
``_common``, paused at the start; from the key `c` to the first frame painted
showing the program finished. The reference: the same span in a headless
agent, from its start pause to its end pause (a child process running
``debug_program`` with a frontend that answers ``continue`` and notes the
times). The two alternate, several rounds, medians. Goal: at most 2x.

    python bench/ui_continue.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
from pathlib import Path

from _common import bench_program, env, header, report, use_bytecode_cache
from _ui import close_app, open_app, press

GOAL = 2.0

HEADLESS_SPAN = '''
import sys, time
from corodbg.agent.main import debug_program
from corodbg.agent.runner import Target

class Frontend:
    wants_pauses = True
    times = {}
    def next_command(self, pause):
        self.times.setdefault(pause["reason"], time.perf_counter())
        return {"cmd": "continue"}
    def reply(self, command, text, ok):
        pass
    def on_exit(self, code):
        pass

frontend = Frontend()
debug_program(Target(sys.argv[1]), frontend)
sys.stderr.write("SPAN %.6f\\n" % (frontend.times["end"] - frontend.times["start"]))
'''


def headless_span(program: Path) -> float:
    done = subprocess.run([sys.executable, "-c", HEADLESS_SPAN, program.name], cwd=program.parent, env=env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    return float(done.stderr.rsplit("SPAN ", 1)[1])


async def ui_span(program: Path) -> float:
    app, probe, pilot, context, _, _ = await open_app(program.name, program.parent)
    painted, _ = await press(app, probe, pilot, "c", until_over=True)
    if app.state.reason != "end":
        sys.exit(f"the UI run ended with {app.state.status_text()}, not at the end")
    await close_app(pilot, context)
    return painted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    use_bytecode_cache()
    header("bench/ui_continue.py")
    ui, headless = [], []
    with bench_program() as program:
        headless_span(program)  # warm the caches once
        asyncio.run(ui_span(program))
        for _ in range(rounds):
            ui.append(asyncio.run(ui_span(program)))
            headless.append(headless_span(program))
    report("continue in the UI, key c -> finished screen, 100,000 steps", statistics.median(ui),
           "headless start -> end pause", statistics.median(headless), max_ratio=GOAL)


if __name__ == "__main__":
    main()
