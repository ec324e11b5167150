"""``corodbg explore``'s command line: options up to the program, then the program's own arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from corodbg.agent.runner import Target

USAGE = """\
usage: corodbg explore [options] SCRIPT [ARGS...]
       corodbg explore [options] -m MODULE [ARGS...]

Run the program headless many times, each under another schedule, until one
fails; shrink the failing schedule to the fewest deviations from asyncio's
default order, save it, and say how to replay it (docs/explore.md).

A run fails on: an exit status other than 0, an exception never retrieved,
a deadlock, a hang past --timeout, or --check EXPR false at the end.

options:
  --any-order      the any-order family: any ready item may run next (may go
                   beyond what asyncio's FIFO produces); default: the timing
                   family (timer durations vary, FIFO kept)
  --strategy S     random (default) or pct (any order, by task priorities)
  --depth D        pct's bug depth: D-1 priority change points (default 3)
  --jitter J       timing: each wait (timer, executor job, read from the outside) lasts
                   between 1/J and J times as long; a read only longer (default 2)
  --runs N         at most N runs (default 2000)
  --seconds S      at most S seconds of searching
  --seed S         the session's seed (an integer): the same seed, the same runs
  --check EXPR     also fail when EXPR, evaluated in __main__ at the end, is false
  --timeout S      a run still going after S real seconds hangs (default 10)
  --save FILE      where the failing schedule goes (default: explore-PROG-SEED.json)
  --jobs J         J fork servers at once (default 1)
  --no-shrink      save the failing schedule as found
  -h, --help       show this help and exit
"""

STRATEGIES = ("random", "pct")


class UsageError(Exception):
    """A bad command line; the message is the one line the user sees."""


@dataclass
class ExploreOptions:
    target: Target
    any_order: bool = False
    strategy: str = "random"
    depth: int = 3
    jitter: float = 2.0
    runs: int = 2000
    seconds: Optional[float] = None
    seed: Optional[int] = None
    check: Optional[str] = None
    timeout: float = 10.0
    save: Optional[str] = None
    jobs: int = 1
    shrink: bool = True
    extra: List[str] = field(default_factory=list)

    @property
    def family(self) -> str:
        return "any-order" if self.any_order or self.strategy == "pct" else "timing"


def _number(name: str, value: str, kind: type, low: float) -> float:
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or number < low:
        what = "an integer" if kind is int else "a number"
        raise UsageError(f"option {name} needs {what} of at least {low:g}, not {value!r}")
    return number


def parse(argv: Sequence[str]) -> ExploreOptions:
    """The options, then the script (or -m MODULE) and its arguments; UsageError on bad input."""
    from corodbg.cli import UsageError as CliUsageError
    from corodbg.cli import check_script

    args = list(argv)
    values: dict = {}
    with_value = ("--strategy", "--depth", "--jitter", "--runs", "--seconds", "--seed", "--check", "--timeout",
                  "--save", "--jobs")
    while args:
        word = args.pop(0)
        if word in ("-h", "--help"):
            raise SystemExit(_usage())
        if word == "--any-order":
            values["any_order"] = True
            continue
        if word == "--no-shrink":
            values["shrink"] = False
            continue
        name, equals, value = word.partition("=")
        if name in with_value:
            if not equals:
                if not args:
                    raise UsageError(f"option {name} needs a value")
                value = args.pop(0)
            _set(values, name, value)
            continue
        if word.startswith("-m"):
            module = word[2:] or (args.pop(0) if args else "")
            if not module:
                raise UsageError("option -m needs a module name")
            return ExploreOptions(Target(module, args, is_module=True), **values)
        if word.startswith("-") and word != "-":
            raise UsageError(f"unknown option {word} (see corodbg explore --help)")
        try:
            check_script(word)
        except CliUsageError as error:
            raise UsageError(str(error)) from None
        return ExploreOptions(Target(word, args), **values)
    raise UsageError("no script given (see corodbg explore --help)")


def _set(values: dict, name: str, value: str) -> None:
    if name == "--strategy":
        if value not in STRATEGIES:
            raise UsageError(f"option --strategy is random or pct, not {value!r}")
        values["strategy"] = value
    elif name == "--depth":
        values["depth"] = int(_number(name, value, int, 1))
    elif name == "--jitter":
        values["jitter"] = _number(name, value, float, 1)
    elif name == "--runs":
        values["runs"] = int(_number(name, value, int, 1))
    elif name == "--seconds":
        values["seconds"] = _number(name, value, float, 0.001)
    elif name == "--seed":
        values["seed"] = int(_number(name, value, int, 0))
    elif name == "--timeout":
        values["timeout"] = _number(name, value, float, 0.001)
    elif name == "--jobs":
        values["jobs"] = int(_number(name, value, int, 1))
    elif name == "--save":
        folder = os.path.dirname(os.path.abspath(value))
        if not os.path.isdir(folder):
            raise UsageError(f"cannot save the schedule: no such directory {folder}")
        values["save"] = value
    elif name == "--check":
        try:
            compile(value, "--check", "eval")
        except SyntaxError as error:
            raise UsageError(f"--check {value!r} is not a Python expression ({error.msg})") from None
        values["check"] = value


def _usage() -> int:
    import sys

    sys.stdout.write(USAGE)
    return 0
