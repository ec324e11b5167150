"""What ``corodbg explore`` prints: stdout gets the report (the same for the same seed), stderr the speed."""

from __future__ import annotations

import shlex
import sys
from typing import Any, Dict, List, Optional

from corodbg.explore.options import ExploreOptions
from corodbg.explore.search import SearchResult

FAMILIES = {
    "timing": "timing: durations of timers, executor jobs and reads from the outside varied (×1/{j:g} to ×{j:g}; "
              "a read only longer), FIFO among callbacks kept: orders asyncio produces when the outside is slower "
              "or faster",
    "any-order": "any order: any ready item may run next; such an order may be beyond what asyncio's FIFO produces",
}


def family_text(options: ExploreOptions) -> str:
    text = FAMILIES[options.family].format(j=options.jitter)
    if options.family == "any-order":
        text += f" (strategy: {'pct, depth ' + str(options.depth) if options.strategy == 'pct' else 'random'})"
    return text


def speed(found: SearchResult) -> None:
    rate = found.runs / max(found.seconds, 1e-9)
    sys.stderr.write(f"corodbg explore: {found.runs} runs in {found.seconds:.2f} s ({rate:.0f} runs/s), "
                     f"{found.distinct} distinct schedules\n")


def _notes(options: ExploreOptions, found: SearchResult) -> List[str]:
    notes = []
    if found.nothing_to_vary:
        notes.append("note: the program made no timer (no sleep > 0, no timeout), no executor job and no read from "
                     "the outside, so the timing family has nothing to vary: every run would be this one; "
                     "--any-order tries other orders")
    if found.outside:
        varied = ("the timing family made its executor jobs and reads from it last longer, but the outside's own "
                  "timing is real" if options.family == "timing" else "that timing is real, not explored")
        notes.append(f"note: {found.outside} of {found.runs} runs waited on the outside (threads, sockets, "
                     f"subprocesses): {varied}, and such a run may not replay exactly")
    return notes


def failure_text(failure: Dict[str, Any], output: str) -> str:
    """The failure in one line; an exit status with the exception that caused it (the output's last line)."""
    if failure.get("kind") != "exit":
        return str(failure["text"])
    lines = [line for line in output.splitlines() if line.strip()]
    last = lines[-1].strip() if lines and not lines[-1].startswith((" ", "\t")) else ""
    return f"{failure['text']}: {last}" if last else str(failure["text"])


def _count(number: Any, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def nothing_found(options: ExploreOptions, seed: int, found: SearchResult) -> str:
    runs = _count(found.runs, "run")
    lines = [f"corodbg explore: no failing schedule for {options.target.display} in {runs} "
             f"(seed {seed}); {found.distinct} distinct schedules",
             f"family: {family_text(options)}", *_notes(options, found)]
    return "\n".join(lines)


def found(options: ExploreOptions, seed: int, search: SearchResult, failing: Dict[str, Any],
          final: Dict[str, Any], tries: int, saved: Optional[str]) -> str:
    failure = final.get("failure") or failing["failure"]
    first = failing["run"]
    lines = [f"corodbg explore: {options.target.display} fails at run {first + 1} (seed {seed})"
             if first else f"corodbg explore: {options.target.display} fails under the default schedule "
                           "(no deviation needed)",
             f"family: {family_text(options)}",
             f"failure: {failure_text(failure, final.get('output') or failing.get('output') or '')}"]
    words: List[str] = final.get("words") or []
    before, after = failing.get("deviations"), final.get("deviations")
    if first:
        if tries:
            lines.append(f"shrunk from {_count(before, 'deviation')} to {after} in {_count(tries, 'run')}")
        lines.append("deviations from the default order:" if words else "deviations: none")
        lines += [f"  {number}. {text}" for number, text in enumerate(words, 1)]
    output = (final.get("output") or failing.get("output") or "").rstrip("\n")
    if output:
        lines.append("the failing run's output:")
        lines += [f"  | {line}" for line in output.splitlines()]
    lines += _notes(options, search)
    if saved is not None:
        target = options.target
        program = [*(["-m", target.path_or_module] if target.is_module else [target.path_or_module]), *target.args]
        lines.append(f"saved: {saved}")
        lines.append(f"debug it: {shlex.join(['corodbg', '--replay', saved, *program])}   "
                     "(pauses before the first deviation)")
        lines.append(f"replay it: {shlex.join(['corodbg', '--headless', '--replay', saved, *program])}")
    return "\n".join(lines)
