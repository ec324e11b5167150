"""Time travel: the cost of --record, reverse-step and goto on a 300,000-step program.

The program is ``_common``'s (500 tasks x 600 sleep(0): 300,000 task steps). In one
run, commands alternate (medians over ``--rounds``):

- recording: ``--headless --record FILE -c continue`` against ``--headless -c continue``
  (goal <= 1.1x; the record run includes re-executing itself to fix PYTHONHASHSEED,
  which is left unset here as for a user);
- reverse-step at step 100,000: ``-c "goto 100000" -c send -c rs``: from the pause at
  step 100,001 to the pause at step 100,000 (goal <= 100 ms), timed inside the run by a
  ``p time.time()`` just before ``rs`` and just after it (their replies on stderr):
  ending the run, forking the nearest checkpoint and replaying forward to the pause;
- goto back, timed the same way: from step 250,000 to N = 20,000, 123,457 and 249,999
  (goal <= 300 ms each);
- the checkpoints' cost: ``-c "goto 299000" -c quit`` (a checkpoint every 1,000 steps,
  at most one per 50 ms) against ``-c continue``;
- reverse-step in the UI (in-process, ``_ui``'s Pilot): ``goto 100000``, a send, then the
  key ``S``: from the key to the first frame painted with the pause it leads to (goal
  <= 200 ms), beside the time that pause took to reach the app.

    python bench/time_travel.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import STEPS_PROGRAM, bench_program, compare, corodbg, env, header, report, use_bytecode_cache

PROGRAM = STEPS_PROGRAM.replace("TASKS, ROUNDS = 500, 200", "TASKS, ROUNDS = 500, 600")
NOW = "p __import__('time').time()"


def timed_jump(program: Path, before: list, jump: str, rounds: int) -> float:
    """Median seconds from the pause where ``jump`` is typed to the pause it leads to."""
    args = []
    for command in [*before, NOW, jump, NOW, "quit"]:
        args += ["-c", command]
    times = []
    for _ in range(rounds + 1):
        done = subprocess.run(corodbg("--headless", *args, program.name), cwd=program.parent, env=env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stamps = [float(line.split()[-1]) for line in done.stderr.splitlines()
                  if line.startswith("corodbg: ") and line.split()[-1].replace(".", "").isdigit()]
        if len(stamps) < 2:
            sys.exit(f"{jump}: no time stamps:\n{done.stderr}")
        times.append(stamps[-1] - stamps[-2])
    return statistics.median(times[1:])


async def ui_reverse_step(program: Path, rounds: int) -> tuple:
    """Medians of (key S -> painted, key S -> the pause's arrival) at step 100,000, in the UI."""
    from _ui import close_app, open_app, press

    painted, arrived = [], []
    for _ in range(rounds):
        app, probe, pilot, context, _, _ = await open_app(program.name, program.parent)
        await app._send_command({"cmd": "goto", "step": 100000})
        await asyncio.wait_for(app.settled(), 300)
        await press(app, probe, pilot, "space")
        shown, came = await press(app, probe, pilot, "S")
        assert app.state.step == 100000, app.state.step
        painted.append(shown)
        arrived.append(came)
        await close_app(pilot, context)
    return statistics.median(painted), statistics.median(arrived)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    header("bench/time_travel.py")
    with bench_program(PROGRAM) as program, tempfile.TemporaryDirectory() as scratch:
        name, cwd = program.name, program.parent
        schedule = str(Path(scratch) / "run.json")

        def run(*commands: str) -> list:
            args = []
            for command in commands:
                args += ["-c", command]
            return corodbg("--headless", *args, name)

        medians = compare({
            "continue": run("continue"),
            "record": corodbg("--headless", "--record", schedule, "-c", "continue", name),
            "checkpoints": run("goto 299000", "quit"),
        }, cwd, rounds=rounds)
        medians["rs"] = timed_jump(program, ["goto 100000", "send"], "rs", rounds)
        for target in ("20000", "123457", "249999"):
            medians[f"goto {target}"] = timed_jump(program, ["goto 250000"], f"goto {target}", rounds)
        use_bytecode_cache()
        medians["ui rs"], medians["ui rs arrived"] = asyncio.run(ui_reverse_step(program, rounds))
    report("record, 300,000 steps (-c continue)", medians["record"], "no record", medians["continue"],
           max_ratio=1.1)
    report("reverse-step at step 100,000", medians["rs"], "continue (whole run)", medians["continue"],
           unit="ms", max_value=0.1)
    for target in ("20000", "123457", "249999"):
        report(f"goto {int(target):,} from step 250,000", medians[f"goto {target}"], "continue (whole run)",
               medians["continue"], unit="ms", max_value=0.3)
    report("checkpoints on the way to step 299,000", medians["checkpoints"], "continue", medians["continue"])
    report("UI: key S at step 100,000 -> repaint", medians["ui rs"], "the pause reached the app",
           medians["ui rs arrived"], unit="ms", max_value=0.2)


if __name__ == "__main__":
    sys.exit(main())
