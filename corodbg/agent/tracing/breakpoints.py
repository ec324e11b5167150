"""Breakpoints: where the program stops on its own, and under which conditions.

A breakpoint names a file and line, optionally a condition (``if EXPR``,
evaluated in the frame), a task (``task NAME``: only that task stops there)
and whether it is one-shot (``tbreak``). The table answers two questions fast:
does this code object need tracing at all, and does this line event stop?

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import dis
import inspect
import linecache
import os
import sys
import types

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Set, Tuple


class BreakpointError(ValueError):
    """A breakpoint that cannot be set; the message says why."""


class Breakpoint:
    """One breakpoint (a plain class, not a dataclass: see docs/performance.md, start-up)."""

    __slots__ = ("condition", "file", "hits", "line", "number", "task", "temporary")

    def __init__(self, number: int, file: str, line: int, condition: Optional[str] = None,
                 task: Optional[str] = None, temporary: bool = False, hits: int = 0) -> None:
        self.number = number
        self.file = file  # absolute path, or the name as given when no such file exists
        self.line = line
        self.condition = condition
        self.task = task
        self.temporary = temporary
        self.hits = hits

    def __repr__(self) -> str:
        return f"Breakpoint({self.number}, {self.describe()!r}, hits={self.hits})"

    def fields(self) -> Dict[str, Any]:
        """What it is made of: ``Breakpoint(**fields)`` makes it again (time travel carries it to another run)."""
        return {name: getattr(self, name) for name in self.__slots__}

    @property
    def display_file(self) -> str:
        return os.path.relpath(self.file) if os.path.isabs(self.file) else self.file

    def describe(self) -> str:
        text = f"{'tbreak' if self.temporary else 'break'} {self.display_file}:{self.line}"
        if self.task:
            text += f" task {self.task}"
        if self.condition:
            text += f" if {self.condition}"
        return text

    def as_dict(self) -> Dict[str, Any]:
        return {"number": self.number, "file": self.display_file,
                "line": self.line, "condition": self.condition, "task": self.task,
                "temporary": self.temporary, "hits": self.hits}


def parse_breakpoint_spec(words: List[str]) -> Tuple[str, int, Optional[str], Optional[str]]:
    """``FILE:LINE|FUNCTION [task NAME] [if EXPR]`` -> (file, line, task, condition).

    A FUNCTION (``worker``, ``Client.fetch``, ``module.func``, as pdb's ``b name``)
    stands for the first line of its body.
    """
    if not words:
        raise BreakpointError("usage: break FILE:LINE|FUNCTION [task NAME] [if EXPR]")
    location, rest = words[0], words[1:]
    file, _, line_text = location.rpartition(":")
    if not file or not line_text.isdigit():
        file, line = function_location(location)
        line_text = str(line)
    task = condition = None
    while rest:
        keyword = rest.pop(0)
        if keyword == "task" and rest:
            task = rest.pop(0)
        elif keyword == "if" and rest:
            condition = " ".join(rest)
            rest = []
        else:
            raise BreakpointError("usage: break FILE:LINE|FUNCTION [task NAME] [if EXPR]")
    if condition is not None:
        try:
            compile(condition, "<condition>", "eval")
        except SyntaxError as error:
            raise BreakpointError(f"the condition {condition!r} is not an expression: {error.msg}") from None
    return file, int(line_text), task, condition


def function_location(name: str) -> Tuple[str, int]:
    """The file and first body line of the function named ``name`` in the program
    (``__main__``'s globals first, then a module of that name)."""
    parts = name.split(".")
    if not all(part.isidentifier() for part in parts):
        raise BreakpointError(f"{name!r} is neither FILE:LINE nor a function name")
    main = sys.modules.get("__main__")
    missing = object()
    value: Any = getattr(main, "__dict__", {}).get(parts[0], missing)
    if value is missing:
        value = sys.modules.get(parts[0], missing)
    for attribute in parts[1:]:
        if value is missing:
            break
        try:
            value = inspect.getattr_static(value, attribute)
        except AttributeError:
            value = missing
    if value is missing:
        raise BreakpointError(f"no function named {name!r} (not yet defined?)")
    for _ in range(10):  # staticmethod, classmethod, functools.wraps: the function inside
        inner = getattr(value, "__func__", None) or getattr(value, "__wrapped__", None)
        if inner is None:
            break
        value = inner
    code = getattr(value, "__code__", None)
    if not isinstance(code, types.CodeType):
        raise BreakpointError(f"{name!r} is not a function defined in Python")
    body = [line for _, line in dis.findlinestarts(code) if line is not None and line > code.co_firstlineno]
    return code.co_filename, min(body) if body else code.co_firstlineno


class BreakpointTable:
    """All breakpoints, indexed by file for the tracer's fast checks."""

    def __init__(self) -> None:
        self.items: List[Breakpoint] = []
        self.next_number = 1
        self.version = 0
        self._reindex()

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, file: str, line: int, *, condition: Optional[str] = None, task: Optional[str] = None,
            temporary: bool = False, replace: bool = False) -> Breakpoint:
        """A new breakpoint; with ``replace``, it takes the place (and number) of those at the line."""
        path = os.path.abspath(file)
        if os.path.exists(path):
            source = linecache.getline(path, line).strip()
            if not source:
                raise BreakpointError(f"{file}:{line}: no such line, or a blank line")
            if source.startswith("#"):
                raise BreakpointError(f"{file}:{line} is a comment")
            line = first_code_line(path, line)
            file = path
        replaced = [index for index, b in enumerate(self.items)
                    if replace and self._same_file(b.file, file) and b.line == line]
        if replaced:
            breakpoint_ = Breakpoint(self.items[replaced[0]].number, file, line, condition, task, temporary)
            self.items[replaced[0]] = breakpoint_
            self.items = [b for index, b in enumerate(self.items) if index not in replaced[1:]]
        else:
            breakpoint_ = Breakpoint(self.next_number, file, line, condition, task, temporary)
            self.next_number += 1
            self.items.append(breakpoint_)
        self._reindex()
        return breakpoint_

    def clear(self, file: Optional[str] = None, line: Optional[int] = None) -> List[Breakpoint]:
        """Remove the breakpoints at FILE:LINE (all of them without arguments)."""
        if file is None:
            removed, self.items = self.items, []
        else:
            removed = [b for b in self.items if self._same_file(b.file, file) and (line is None or b.line == line)]
            self.items = [b for b in self.items if b not in removed]
        self._reindex()
        return removed

    def remove(self, breakpoint_: Breakpoint) -> None:
        self.items = [b for b in self.items if b is not breakpoint_]
        self._reindex()

    @staticmethod
    def _same_file(stored: str, given: str) -> bool:
        return stored == os.path.abspath(given) or stored == given or stored.endswith(os.sep + given)

    def _reindex(self) -> None:
        """Forget the per-file and per-code caches: the breakpoints changed."""
        self._code_cache: Dict[types.CodeType, bool] = {}
        self._resolved: Dict[str, Dict[int, List[Breakpoint]]] = {}
        self.version += 1

    def lines_by_file(self) -> Tuple[Dict[str, Set[int]], bool]:
        """The lines of each existing file (absolute path), and whether some breakpoint names no such file."""
        lines: Dict[str, Set[int]] = {}
        unresolved = False
        for breakpoint_ in self.items:
            if os.path.isabs(breakpoint_.file):
                lines.setdefault(breakpoint_.file, set()).add(breakpoint_.line)
            else:
                unresolved = True
        return lines, unresolved

    def _lines_for(self, filename: str) -> Dict[int, List[Breakpoint]]:
        """The breakpoints of one code filename, by line (cached)."""
        found = self._resolved.get(filename)
        if found is None:
            found = {}
            for breakpoint_ in self.items:
                if breakpoint_.file == filename or (not os.path.isabs(breakpoint_.file)
                                                    and filename.endswith(os.sep + breakpoint_.file)):
                    found.setdefault(breakpoint_.line, []).append(breakpoint_)
            self._resolved[filename] = found
        return found

    def wants_code(self, code: types.CodeType) -> bool:
        """Whether any breakpoint lies in this code object's lines (cached)."""
        known = self._code_cache.get(code)
        if known is None:
            lines = self._lines_for(code.co_filename)
            known = bool(lines) and bool(_code_lines(code) & set(lines))
            self._code_cache[code] = known
        return known

    def wants_line(self, code: types.CodeType, line: int) -> bool:
        return line in self._lines_for(code.co_filename)

    def at(self, frame: types.FrameType) -> List[Breakpoint]:
        return self._lines_for(frame.f_code.co_filename).get(frame.f_lineno, [])


def first_code_line(path: str, line: int) -> int:
    """``line`` if code starts there, else the next line that has code (as IDEs move a breakpoint
    set on ``global x`` or a docstring's middle); unchanged when the file does not compile."""
    lines = _executable_lines(path)
    if not lines or line in lines:
        return line
    later = [candidate for candidate in lines if candidate > line]
    if not later:
        raise BreakpointError(f"{os.path.relpath(path)}:{line}: no code at or after this line")
    return min(later)


_EXECUTABLE: Dict[str, Tuple[float, Set[int]]] = {}


def _executable_lines(path: str) -> Set[int]:
    """Every line of the file where some code object has an instruction (cached by mtime)."""
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return set()
    known = _EXECUTABLE.get(path)
    if known is not None and known[0] == mtime:
        return known[1]
    try:
        with open(path, "rb") as handle:
            top = compile(handle.read(), path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, OSError):
        return set()
    lines: Set[int] = set()
    pending = [top]
    while pending:
        code = pending.pop()
        lines |= {number for number in _code_lines(code) if number > 0}
        pending.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    _EXECUTABLE[path] = (mtime, lines)
    return lines


def _code_lines(code: types.CodeType) -> Set[int]:
    if hasattr(code, "co_lines"):
        return {line for _, _, line in code.co_lines() if line is not None}
    return {code.co_firstlineno}
