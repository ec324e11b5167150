"""The fork server's warm-up: run the step loop's and asyncio's usual paths before the first fork.

CPython specializes bytecode as it runs it (3.11+): the first calls of a
function write into its code object, and in a forked child every such write
copies a page of the server's memory. Paths every run takes (a StepLoop
asked by an Explorer at each step, tasks, timers, gather, a lock, an event,
a queue, a child's set-up and its answer) are run here a few times, so that each
child finds their code already specialized, shared, untouched. On the bench
program that is about 100 of a run's 1,000 page copies.

Nothing the program can see is left behind: the tasks are named (asyncio's
``Task-N`` counter does not move), the loop is closed and never set as the
current one, the global ``random`` state is not used, and the warm-up's
coroutine codes are forgotten by the task-end hints.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import json
import random

from corodbg.agent.explore import choosers
from corodbg.agent.explore.run import ChildRun, Explorer, signature
from corodbg.agent.loop.step_loop import StepLoop
from corodbg.agent.runner import Target
from corodbg.agent.tracing import taskends

#: Runs of the warm-up program: past 3.11's quickening threshold (8 calls) for what runs once a run.
ROUNDS = 10


async def _worker(number: int, lock: asyncio.Lock, event: asyncio.Event, queue: asyncio.Queue[int]) -> int:
    for _ in range(3):
        await asyncio.sleep(0)
    async with lock:
        await asyncio.sleep(0.001)
    await queue.put(number)
    await event.wait()
    return number


async def _main() -> None:
    lock, event = asyncio.Lock(), asyncio.Event()
    queue: asyncio.Queue[int] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(_worker(n, lock, event, queue), name=f"corodbg warm-up {n}") for n in range(3)]
    for _ in tasks:
        await queue.get()
    event.set()
    await asyncio.gather(*tasks)


def warm_up() -> None:
    """The warm-up program, ``ROUNDS`` times; one that fails only leaves the runs a little slower."""
    try:
        _run_rounds()
    except Exception:
        pass
    for function in (_main, _worker):
        taskends.forget(function.__code__)


def _run_rounds() -> None:
    for round_number in range(ROUNDS):
        for family in ("any-order", "timing"):  # a child's set-up: its chooser, its timer factors
            ChildRun(Target("warm-up", [], False), {"run": round_number, "family": family, "strategy": "random",
                                                    "seed": f"warm-up/{round_number}"}, None, -1)
        loop = StepLoop()
        explorer = Explorer(choosers.RandomOrder(random.Random(round_number)), describe=False)
        explorer.adopt(loop)
        try:
            main = loop.create_task(_main(), name="corodbg warm-up")
            loop.run_until_complete(main)
            clock, _ = explorer.clock_and_outside()
            json.dumps({"run": round_number, "failure": None, "steps": explorer.steps,
                        "signature": signature(explorer.picks, clock)})
        finally:
            loop.close()
