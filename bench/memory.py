"""Peak memory of the UI and the agent with 10,000 live tasks (bench/many_tasks.py).

Each round runs, in a fresh process, the real app (Textual's Pilot, headless)
on bench/many_tasks.py: the start pause, `space` (main() creates 10,000
tasks), five more sends, then `c` to the end. Then it reads the agent's peak
RSS (VmHWM in /proc/PID/status; the agent waits at the end pause) and the UI
process's own (ru_maxrss). The reference is plain ``python many_tasks.py``'s
peak RSS. Rounds alternate the two; medians. Goal: UI + agent <= 300 MB.

    python bench/memory.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from _common import env, header, report, use_bytecode_cache

REPO_ROOT = Path(__file__).resolve().parents[1]
PROGRAM = "bench/many_tasks.py"
GOAL_MB = 300.0


def peak_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


async def one_ui_run() -> None:
    from _ui import close_app, open_app, press

    app, probe, pilot, context, _, _ = await open_app(PROGRAM, REPO_ROOT)
    for _ in range(6):
        await press(app, probe, pilot, "space")
    tasks = len(app.state.tasks)
    await press(app, probe, pilot, "c", until_over=True)
    agent = peak_kib(app.session.process.pid)
    ui = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    await close_app(pilot, context)
    print(json.dumps({"agent_mb": agent / 1024, "ui_mb": ui / 1024, "tasks": tasks}))


def ui_round() -> dict:
    done = subprocess.run([sys.executable, __file__, "--one-ui-run"], cwd=REPO_ROOT, env=env(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the UI run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def python_round() -> float:
    process = subprocess.Popen([sys.executable, PROGRAM], cwd=REPO_ROOT, env=env(), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-ui-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    use_bytecode_cache()
    if args.one_ui_run:
        os.chdir(REPO_ROOT)
        asyncio.run(one_ui_run())
        return
    header("bench/memory.py")
    ui_runs, python_runs = [], []
    for _ in range(args.rounds):
        ui_runs.append(ui_round())
        python_runs.append(python_round())
    python_mb = statistics.median(python_runs)
    agent_mb = statistics.median(r["agent_mb"] for r in ui_runs)
    ui_mb = statistics.median(r["ui_mb"] for r in ui_runs)
    total_mb = statistics.median(r["agent_mb"] + r["ui_mb"] for r in ui_runs)
    tasks = ui_runs[0]["tasks"]
    report(f"peak RSS of the agent ({tasks} tasks listed)", agent_mb, "python", python_mb, unit="MB")
    report("peak RSS of the UI", ui_mb, "python", python_mb, unit="MB")
    report("peak RSS of UI + agent, 10,000 live tasks", total_mb, "python", python_mb, unit="MB",
           max_value=GOAL_MB)


if __name__ == "__main__":
    main()
