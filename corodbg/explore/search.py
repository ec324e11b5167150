"""The search: run 0 under the default schedule, then runs 1, 2, ... each under its own random schedule.

Run N's schedule comes from the seed string ``SEED/N`` alone, whichever
server runs it, so ``--jobs`` changes only the speed: the failure reported is
the failing run of the smallest number, and runs are taken in order until
every run before it has answered.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

from corodbg.explore.options import ExploreOptions
from corodbg.explore.pool import Server, wait_for_answers

#: Requests in flight per server: one running, one waiting, so a server never idles between runs.
IN_FLIGHT = 2


@dataclass
class SearchResult:
    failing: Optional[Dict[str, Any]]
    runs: int                       # runs answered (up to the failing one)
    distinct: int                   # distinct schedules among them
    seconds: float
    outside: int = 0                # runs that waited on the outside (threads, sockets, subprocesses)
    baseline_steps: int = 0
    signatures: Set[str] = field(default_factory=set)
    #: The timing family and a program that made no timer: every run would be the default one.
    nothing_to_vary: bool = False


def request(options: ExploreOptions, seed: int, run: int, steps_hint: int) -> Dict[str, Any]:
    return {"run": run, "family": options.family, "strategy": "default" if run == 0 else options.strategy,
            "seed": f"{seed}/{run}", "jitter": options.jitter, "depth": options.depth, "steps_hint": steps_hint,
            "timeout": options.timeout}


class Progress:
    """One line on stderr, redrawn a few times a second, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.enabled = sys.stderr.isatty()
        self.shown = 0.0
        self.started = time.monotonic()

    def update(self, runs: int, distinct: int, failures: int, final: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not final and now - self.shown < 0.2):
            return
        self.shown = now
        rate = runs / max(now - self.started, 1e-9)
        sys.stderr.write(f"\r\033[Kexplore: {runs}/{self.total} runs · {rate:.0f} runs/s · {distinct} distinct "
                         f"schedules · {failures} failing")
        if final:
            sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def search(options: ExploreOptions, seed: int, servers: List[Server]) -> SearchResult:
    started = time.monotonic()
    baseline = servers[0].run(request(options, seed, 0, 0))
    result = SearchResult(failing=None, runs=1, distinct=1, seconds=0.0,
                          outside=1 if baseline.get("outside") else 0, baseline_steps=baseline.get("steps") or 0)
    if baseline.get("signature"):
        result.signatures.add(baseline["signature"])
    if baseline.get("failure") is not None or (options.family == "timing" and baseline.get("timers") == 0):
        result.failing = baseline if baseline.get("failure") is not None else None
        result.nothing_to_vary = result.failing is None
        result.seconds = time.monotonic() - started
        return result
    steps_hint = max(1, result.baseline_steps)
    answers: Dict[int, Dict[str, Any]] = {}
    next_run, answered_below = 1, 1  # every run below answered_below has answered
    best: Optional[int] = None
    failures = 0
    progress = Progress(options.runs)
    deadline = started + options.seconds if options.seconds else None
    while True:
        out_of_time = deadline is not None and time.monotonic() >= deadline
        for server in servers:
            while (server.pending < IN_FLIGHT and next_run < options.runs and best is None and not out_of_time):
                server.send(request(options, seed, next_run, steps_hint))
                next_run += 1
        if not any(server.pending for server in servers):
            break
        for server in wait_for_answers(servers, 0.2):
            answer = server.receive()
            answers[answer["run"]] = answer
            if answer.get("failure") is not None:
                failures += 1
                if best is None or answer["run"] < best:
                    best = answer["run"]
        while answered_below in answers:
            answer = answers.pop(answered_below)
            result.runs += 1
            if answer.get("signature"):
                result.signatures.add(answer["signature"])
            if answer.get("outside"):
                result.outside += 1
            if best is not None and answered_below == best:
                result.failing = answer
            answered_below += 1
        progress.update(result.runs, len(result.signatures), failures)
        if result.failing is not None:
            break
    # Answers still in flight (beyond the failing run) are read and dropped: the servers stay in step.
    for server in servers:
        while server.pending:
            server.receive()
    progress.update(result.runs, len(result.signatures), failures, final=True)
    result.distinct = len(result.signatures)
    result.seconds = time.monotonic() - started
    return result
