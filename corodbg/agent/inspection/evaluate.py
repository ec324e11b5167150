"""``p EXPR`` and ``!STMT``: running the user's code in a paused frame.

Errors are reported as one line, never raised: a typo must not end the
debugging session. Standard library only.
"""

from __future__ import annotations

import ast
import inspect
import sys
import types

from corodbg.agent.inspection.saferepr import safe_repr, safe_str

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Optional


def evaluate(frame: types.FrameType, expression: str) -> str:
    """The safe repr of ``expression`` in ``frame``, or the error it raised."""
    try:
        code = compile(expression, "<p>", "eval")
        return safe_repr(eval(code, frame.f_globals, frame.f_locals))
    except BaseException as error:  # the user's expression may raise anything
        return error_line(error)


def awaiting_code(expression: str) -> Optional[types.CodeType]:
    """The compiled expression when it awaits (``await queue.get()``), else None.

    As pdb 3.14 accepts ``await`` at a coroutine's pause: the expression is
    compiled with top-level await allowed; evaluating it makes a coroutine.
    """
    try:
        code = compile(expression, "<p>", "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return None
    return code if code.co_flags & inspect.CO_COROUTINE else None


def start_awaiting(frame: types.FrameType, code: types.CodeType) -> Any:
    """The coroutine that evaluates ``code`` in ``frame`` (it runs when awaited or made a task)."""
    return eval(code, frame.f_globals, frame.f_locals)


def execute(frame: types.FrameType, statement: str) -> str:
    """Run ``statement`` in ``frame``; an empty string, or the error it raised."""
    try:
        code = compile(statement + "\n", "<!>", "single")
        exec(code, frame.f_globals, frame.f_locals)
        _write_back(frame)
        return ""
    except BaseException as error:
        return error_line(error)


def _write_back(frame: types.FrameType) -> None:
    """Make ``!x = 1`` stick: before 3.13, ``f_locals`` is a snapshot of the frame's variables.

    The next read of ``f_locals`` (the next ``p``, or the frame resuming) would
    overwrite the change with the old values, so copy the snapshot back into
    the frame now, as debuggers do (3.13's ``f_locals`` writes through, PEP 667).
    """
    if sys.version_info >= (3, 13):
        return
    try:
        import ctypes

        ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))
    except Exception:  # no ctypes on this build: the change lasts until the frame's next read
        pass


def error_line(error: BaseException) -> str:
    text = safe_str(error)
    message = safe_repr(text)[1:-1] if text else ""
    return f"*** {type(error).__name__}: {message}" if message else f"*** {type(error).__name__}"
