"""SafeRepr: a repr of any object that never raises, bounded in length and in time.

Debuggers are used on broken programs: a ``__repr__`` may raise, loop, take
seconds or return megabytes. SafeRepr truncates, replaces failures with a
placeholder, strips memory addresses (so screens are reproducible), and on the
main thread stops a repr that runs longer than its time budget.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import itertools
import re
import reprlib
import signal
import threading
import time
from contextlib import contextmanager

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator, TypeVar

    T = TypeVar("T")

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class _ReprTimeout(BaseException):
    """Raised inside a repr that ran past its time budget (a BaseException, so that the
    program's own ``except Exception`` in a ``__repr__`` or ``__len__`` does not swallow it)."""


ReprTimeout = _ReprTimeout


class SafeRepr(reprlib.Repr):
    """reprlib with failures caught, addresses removed and a time budget."""

    def __init__(self, max_length: int = 120, time_budget: float = 0.2) -> None:
        super().__init__()
        self.fillvalue = "..."  # reprlib's own from 3.11 on; repr_dict needs it on 3.10 too
        self.maxstring = max_length
        self.maxother = max_length
        self.maxlong = 40
        self.maxlevel = 3
        self.max_length = max_length
        self.time_budget = time_budget

    def repr_dict(self, x: Any, level: int) -> str:
        """As reprlib's, but in the dict's own order (reprlib sorts the keys, which misleads)."""
        if not x:
            return "{}"
        if level <= 0:
            return "{" + self.fillvalue + "}"
        pieces = [f"{self.repr1(key, level - 1)}: {self.repr1(x[key], level - 1)}"
                  for key in itertools.islice(x, self.maxdict)]
        if len(x) > self.maxdict:
            pieces.append(self.fillvalue)
        return "{" + ", ".join(pieces) + "}"

    def repr_instance(self, obj: Any, level: int) -> str:
        try:
            text = repr(obj)
        except _ReprTimeout:
            raise
        except BaseException as error:  # a repr may raise anything, even SystemExit
            return f"<repr of {type(obj).__name__} failed: {type(error).__name__}>"
        if not isinstance(text, str):
            return f"<repr of {type(obj).__name__} failed: not a str>"
        if len(text) > self.maxother:
            text = text[: self.maxother - 3] + "..."
        return text

    def __call__(self, obj: Any) -> str:
        if type(obj) in PLAIN_TYPES:  # bounded by reprlib, no user code runs: no timer needed
            return self.repr(obj)
        try:
            with _time_limit(self.time_budget):
                text = self.repr(obj)
        except _ReprTimeout:
            return f"<repr of {type(obj).__name__} timed out>"
        except BaseException as error:
            return f"<repr of {type(obj).__name__} failed: {type(error).__name__}>"
        text = _ADDRESS.sub("", text)
        if len(text) > self.max_length:
            text = text[: self.max_length - 3] + "..."
        return text


#: Types whose repr runs no user code and that reprlib bounds in length.
PLAIN_TYPES = frozenset({int, float, bool, type(None), str, bytes, complex})

#: The deadlines (monotonic) of the nested :func:`_time_limit` blocks, innermost last.
_deadlines: list[float] = []
#: setitimer(0) disarms: an expired outer deadline is re-armed this close instead.
_MIN_TIMER = 1e-4

#: True while a :func:`repr_timer` block has the SIGALRM handler installed.
_installed = False


def _expire(signum: int, frame: Any) -> None:
    raise _ReprTimeout()


@contextmanager
def repr_timer() -> Iterator[None]:
    """Install the time-limit handler once for many reprs (a whole pause's state).

    Installing a signal handler costs more than most reprs (``signal.signal``
    converts enums both ways); with 10,000 tasks that alone took a second per
    pause. Inside this block each repr only arms and disarms the timer.
    """
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGALRM, _expire)
    except (ValueError, OSError):
        yield
        return
    old_timer = signal.setitimer(signal.ITIMER_REAL, 0)
    _installed = True
    try:
        yield
    finally:
        _installed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_timer[0]:
            signal.setitimer(signal.ITIMER_REAL, *old_timer)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _ReprTimeout in the main thread after ``seconds``; elsewhere, no limit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with repr_timer():
        if not _installed:  # the handler could not be installed: no limit
            yield
            return
        # Nested limits (a bounded call that reprs its children) keep the earliest
        # deadline: an inner block must neither extend nor disarm the outer one.
        now = time.monotonic()
        deadline = min(now + seconds, _deadlines[-1]) if _deadlines else now + seconds
        _deadlines.append(deadline)
        signal.setitimer(signal.ITIMER_REAL, max(deadline - now, _MIN_TIMER))
        try:
            yield
        finally:
            _deadlines.pop()
            if _deadlines:
                signal.setitimer(signal.ITIMER_REAL, max(_deadlines[-1] - time.monotonic(), _MIN_TIMER))
            else:
                signal.setitimer(signal.ITIMER_REAL, 0)


safe_repr = SafeRepr()

#: What python's traceback printer shows for an exception whose ``__str__`` fails.
STR_FAILED = "<exception str() failed>"


def safe_str(error: BaseException, time_budget: float = 0.2) -> str:
    """``str(error)`` as python's traceback printer would show it, never raising, bounded in time.

    An exception's ``__str__`` is program code: it may raise, loop or return a
    non-string. Python prints ``<exception str() failed>`` then; so do we,
    instead of letting the failure escape into corodbg (where it would end the
    agent with an internal error).
    """
    if type(error).__str__ is BaseException.__str__ and all(type(arg) in PLAIN_TYPES for arg in error.args):
        try:
            return str(error)  # no program code runs
        except Exception:
            return STR_FAILED
    try:
        with _time_limit(time_budget):
            text = str(error)
    except BaseException:
        return STR_FAILED
    return text if isinstance(text, str) else STR_FAILED


def bounded_call(function: Callable[[], T], default: T, time_budget: float = 0.2) -> T:
    """``function()``, or ``default`` if it raises or runs past ``time_budget`` (main thread).

    For every call into program objects that is not a repr: ``len()`` of a
    container, iterating a mapping, reading ``__dict__``. A ``__len__`` that
    never returns must not freeze a pause.
    """
    try:
        with _time_limit(time_budget):
            return function()
    except BaseException:  # _ReprTimeout, or anything the program's code raised
        return default
