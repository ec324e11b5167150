"""``p EXPR`` and ``!STMT``: running the user's code in a paused frame.

Errors are reported as one line, never raised: a typo must not end the
debugging session. Standard library only.
"""

from __future__ import annotations

import types

from corodbg.agent.saferepr import safe_repr


def evaluate(frame: types.FrameType, expression: str) -> str:
    """The safe repr of ``expression`` in ``frame``, or the error it raised."""
    try:
        code = compile(expression, "<p>", "eval")
        return safe_repr(eval(code, frame.f_globals, frame.f_locals))
    except BaseException as error:  # the user's expression may raise anything
        return _error_line(error)


def execute(frame: types.FrameType, statement: str) -> str:
    """Run ``statement`` in ``frame``; an empty string, or the error it raised."""
    try:
        code = compile(statement + "\n", "<!>", "single")
        exec(code, frame.f_globals, frame.f_locals)
        return ""
    except BaseException as error:
        return _error_line(error)


def _error_line(error: BaseException) -> str:
    message = safe_repr(str(error))[1:-1] if str(error) else ""
    return f"*** {type(error).__name__}: {message}" if message else f"*** {type(error).__name__}"
