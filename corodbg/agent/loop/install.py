"""Making the step loop the loop of ``asyncio.run``, ``new_event_loop`` and ``get_event_loop``.

On 3.10-3.13 an event loop policy whose factory is ``StepLoop`` does it, and
keeps every other behaviour of the default policy -- including the
DeprecationWarning that ``get_event_loop()`` gives on 3.12-3.13, so that the
program's stderr is what plain ``python`` prints. On 3.14, where
``get_event_loop()`` no longer creates a loop, the policy creates one, so the
seed's programs still run unchanged.

Also restores ``asyncio.coroutine`` (gone since 3.11) with the meaning the old
decorator had: a plain function becomes a generator-based coroutine that
returns its result, yielding from it first when the result is awaitable.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import asyncio.unix_events
import collections.abc
import functools
import inspect
import sys
import types

from corodbg.agent.loop.step_loop import StepLoop

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Set

#: The notices, said once each, when a program relies on a shim (docs/engine.md lists them).
COROUTINE_NOTICE = ("corodbg: asyncio.coroutine was removed in Python 3.11; corodbg provides it for this "
                    "program (--strict: python's behaviour)")
GET_EVENT_LOOP_NOTICE = ("corodbg: asyncio.get_event_loop() no longer creates a loop since Python 3.14; "
                         "corodbg creates one for this program (--strict: python's behaviour)")

def _no_notice(text: str) -> None:
    pass


_notice: Callable[[str], None] = _no_notice
_said: Set[str] = set()


def _say_once(text: str) -> None:
    if text not in _said:
        _said.add(text)
        _notice(text)


class StepLoopPolicy(asyncio.unix_events._UnixDefaultEventLoopPolicy):
    """The default policy, making step loops.

    Named by its module-private name, the same on 3.10-3.15: the public
    ``asyncio.DefaultEventLoopPolicy`` warns on 3.14+ (deprecated), and that
    warning would be corodbg's, not the program's.
    """

    _loop_factory = StepLoop


class ShimmedStepLoopPolicy(StepLoopPolicy):
    """With the shim: ``get_event_loop()`` creates the loop on first use, as before 3.14.

    A class of its own, so that with ``--strict`` no frame of corodbg's stands in
    python's traceback of ``get_event_loop()``.
    """

    if sys.version_info >= (3, 14):

        def get_event_loop(self) -> asyncio.AbstractEventLoop:
            try:
                return super().get_event_loop()
            except RuntimeError:
                _say_once(GET_EVENT_LOOP_NOTICE)
                loop = self.new_event_loop()
                self.set_event_loop(loop)
                return loop


def install_step_loop(*, virtual_time: bool = True, strict: bool = False,
                      notice: Optional[Callable[[str], None]] = None) -> None:
    """Make every loop asyncio creates from now on a StepLoop; add the shims unless ``strict``.

    ``notice`` receives each shim's one-line notice the first time the program uses it.
    """
    global _notice
    StepLoop.virtual_time_default = virtual_time
    if notice is not None:
        _notice = notice
    policy = StepLoopPolicy() if strict else ShimmedStepLoopPolicy()
    setter = getattr(asyncio.events, "_set_event_loop_policy", None) or asyncio.set_event_loop_policy
    setter(policy)
    if not strict and not hasattr(asyncio, "coroutine"):
        # (python 3.10's typeshed still has asyncio.coroutine: a different error there)
        asyncio.coroutine = legacy_coroutine  # type: ignore[attr-defined, assignment, unused-ignore]


def legacy_coroutine(func: Callable[..., Any]) -> Callable[..., Any]:
    """``asyncio.coroutine`` as it was in Python 3.10, without its debug wrapper."""
    _say_once(COROUTINE_NOTICE)
    if inspect.iscoroutinefunction(func):
        return func
    if inspect.isgeneratorfunction(func):
        coro = func
    else:
        @functools.wraps(func)
        def coro(*args: Any, **kwargs: Any) -> Any:
            result = func(*args, **kwargs)
            if asyncio.isfuture(result) or inspect.isgenerator(result):
                result = yield from result
            else:
                await_method = getattr(result, "__await__", None)
                if await_method is not None and isinstance(result, collections.abc.Awaitable):
                    result = yield from await_method()
            return result

    wrapper = types.coroutine(coro)
    marker = getattr(asyncio.coroutines, "_is_coroutine", None)
    if marker is not None:
        wrapper._is_coroutine = marker  # type: ignore[attr-defined]
    return wrapper
