"""Shrinking a failing schedule: the fewest deviations from the default order that still fail the same way.

Delta debugging (Zeller's ddmin, as Hypothesis and shuttle shrink): try the
schedule without a chunk of its deviations, halving the chunks until single
deviations; keep any candidate that still fails with the same failure. A
deviation is a pick (at step S, item X ran instead of the head) in the
any-order family, a timer's factor (an executor job's duration, a read's
factor) in the timing family. A candidate is run with its deviations given: a pick whose
step comes with its item not ready (earlier steps changed) is not made; what
the run really did becomes the next schedule.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from corodbg.agent.recording.schedule import READ

#: At most so many runs spent shrinking.
BUDGET = 400

Deviation = Tuple[Any, Any]


def deviations(result: Dict[str, Any], family: str) -> List[Deviation]:
    data = result.get("schedule") or {}
    if family == "any-order":
        return [(pick["step"], pick["item"]) for pick in data.get("picks", [])]
    return [tuple(entry) for entry in data.get("timers", [])]  # [index, factor(, seconds of a job)]


def guide(family: str, chosen: List[Deviation]) -> Dict[str, Any]:
    return {"picks": [list(d) for d in chosen]} if family == "any-order" else {"timers": [list(d) for d in chosen]}


def failure_key(result: Dict[str, Any]) -> Tuple[str, str]:
    """What makes two failures "the same": their kind, and for an exit status the exception's type."""
    failure = result.get("failure") or {}
    kind = failure.get("kind", "")
    if kind != "exit":
        return kind, ""
    for line in reversed((result.get("output") or "").splitlines()):
        found = _EXCEPTION_LINE.match(line)
        if found:
            return kind, found.group(1)
    return kind, ""  # (pytest's summary line holds a duration: not compared)


#: The last line of a traceback: ``KeyError: 'url'``, ``mod.CustomError``, ``AssertionError``.
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Group))(?::|$)")


def reads_at_the_bound(best: Dict[str, Any], jitter: float, run: Callable[[Dict[str, Any]], Dict[str, Any]]
                       ) -> Optional[Dict[str, Any]]:
    """The shrunk schedule with each held read as late as the family allows, if that still fails the same way.

    A read's hold depends on the outside's real pace, which differs in every
    replay: a failing run whose read came barely late enough may not fail
    again. At the family's bound (×jitter) the order it needs has the widest
    margin, so the saved schedule replays the failure more surely.
    """
    entries = deviations(best, "timing")
    pushed = [(entry[0], jitter, READ) if len(entry) == 3 and entry[2] == READ else entry for entry in entries]
    if pushed == entries:
        return None
    answer = run(guide("timing", pushed))
    return answer if answer.get("failure") is not None and failure_key(answer) == failure_key(best) else None


def shrink(failing: Dict[str, Any], family: str, run: Callable[[Dict[str, Any]], Dict[str, Any]],
           budget: int = BUDGET) -> Tuple[Dict[str, Any], int]:
    """The smallest failing schedule found (as a run's result, with its schedule) and the runs it took.

    ``run(guide)`` runs the failing run's seed with the given deviations and returns the result.
    """
    key = failure_key(failing)
    best = failing
    current = deviations(failing, family)
    tries = 0

    def test(candidate: List[Deviation]) -> Optional[Dict[str, Any]]:
        nonlocal tries
        tries += 1
        answer = run(guide(family, candidate))
        return answer if answer.get("failure") is not None and failure_key(answer) == key else None

    chunks = 2
    while len(current) >= 2 and tries < budget:
        size = -(-len(current) // chunks)
        reduced = False
        for start in range(0, len(current), size):
            candidate = current[:start] + current[start + size:]
            answer = test(candidate)
            if answer is not None:
                best, current = answer, deviations(answer, family)
                chunks = max(chunks - 1, 2)
                reduced = True
                break
            if tries >= budget:
                break
        if not reduced:
            if chunks >= len(current):
                break
            chunks = min(chunks * 2, len(current))
    if len(current) == 1 and tries < budget:
        answer = test([])
        if answer is not None:
            best, current = answer, []
    return best, tries
