"""Breakpoints without line events: functions recompiled with a call at each breakpoint line.

Line events cost even where no breakpoint is hit. Before 3.12 the only ones
come from ``sys.settrace``, and a trace function of any kind slows every line
of every frame (on 3.11 it also turns off the specializing interpreter): 4-7x
on a program whose hot coroutine holds a breakpoint that never hits. On 3.12+
``sys.monitoring``'s LINE events can be limited to the code holding the
breakpoint, but that code's line instrumentation still costs 3-4 % (3.13) to
8 % (3.14) of a program whose hot coroutine it is, with every unhit line
disabled. So ``LineHooks`` recompiles the source file of each function holding
a breakpoint, with a call to the debugger's hook inserted as the first
statement of the breakpoint's line, and gives the functions found in memory
that code (``function.__code__``). An unhit breakpoint then costs nothing, and
a hit costs one call. Line numbers, names and locals are those of the original
code.

What cannot be recompiled gets line events (the fallback, limited to the code
objects listed in ``LineHooks.fallback``: ``sys.monitoring``'s local LINE
events on 3.12+, ``sys.settrace`` before):

- frames that already run the old code (a coroutine suspended in a function
  that gained a breakpoint, the module's own frame for a module-level line);
- a breakpoint line that starts no statement (inside a multi-line expression)
  or starts a loop header (``for``/``while``: their line event recurs on each
  iteration);
- a file that changed since it was loaded, or that cannot be read or parsed.

The module frame is assumed not to define again a function it already defined
(a ``def`` run in a module-level loop after the breakpoint was set would miss
it).

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import ast
import gc
import sys
import types
import warnings

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

    CodeKey = Tuple[str, int, str]

SENTINEL = "\x00corodbg line hook\x00"
_WALKED_TYPES = frozenset({types.FunctionType, types.CoroutineType, types.GeneratorType, types.AsyncGeneratorType})


def _key(code: types.CodeType) -> CodeKey:
    return code.co_name, code.co_firstlineno, getattr(code, "co_qualname", "")


def _children(code: types.CodeType) -> Iterator[types.CodeType]:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield const


def _walk(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for child in _children(code):
        yield from _walk(child)


def _own_lines(code: types.CodeType) -> Set[int]:
    return {line for _, _, line in code.co_lines() if line is not None}


class _Instrumenter(ast.NodeVisitor):
    """Inserts ``SENTINEL()`` before the statement that starts each wanted line."""

    LOOPS = (ast.For, ast.AsyncFor, ast.While)

    def __init__(self, lines: Set[int]) -> None:
        self.lines = lines
        self.hooked: Set[int] = set()
        self.refused: Set[int] = set()

    def generic_visit(self, node: ast.AST) -> None:
        for field, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field, self._body(node, value))
        super().generic_visit(node)

    def _body(self, owner: ast.AST, body: List[ast.stmt]) -> List[ast.stmt]:
        result: List[ast.stmt] = []
        for index, statement in enumerate(body):
            line = statement.lineno
            if line in self.lines and line not in self.hooked and line not in self.refused:
                is_docstring = (index == 0 and isinstance(owner, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                                                    ast.AsyncFunctionDef))
                                and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
                                and isinstance(statement.value.value, str))
                if isinstance(statement, self.LOOPS):
                    self.refused.add(line)
                elif not is_docstring:   # a docstring runs no code: the line never stops
                    call = ast.Expr(ast.Call(ast.Constant(SENTINEL), [], []))
                    for node in ast.walk(call):
                        node.lineno = node.end_lineno = line  # type: ignore[attr-defined]
                        node.col_offset = statement.col_offset  # type: ignore[attr-defined]
                        node.end_col_offset = statement.col_offset + 1  # type: ignore[attr-defined]
                    result.append(call)
                    self.hooked.add(line)
            result.append(statement)
        return result


class LineHooks:
    """Keeps the functions of the program's files compiled with a hook at each breakpoint line."""

    def __init__(self, hook: Callable[[], None]) -> None:
        self.hook = hook
        self.lines_of: Dict[types.CodeType, FrozenSet[int]] = {}   # our code -> the lines it hooks
        self.origin: Dict[types.CodeType, types.CodeType] = {}     # our code -> the loaded code it stands for
        self.fallback: Set[types.CodeType] = set()                 # code still traced with settrace
        self.untraceable_files: Set[str] = set()                   # files left wholly to settrace ("*": any)

    def needs_line_events(self, code: types.CodeType, wants_code: Callable[[types.CodeType], bool]) -> bool:
        """Whether this code object needs line events (the fallback: sys.monitoring on 3.12+, else settrace)."""
        if code in self.fallback:
            return True
        files = self.untraceable_files
        return bool(files) and (code.co_filename in files or "*" in files) and wants_code(code)

    @property
    def any_fallback(self) -> bool:
        return bool(self.fallback or self.untraceable_files)

    def apply(self, lines_by_file: Dict[str, Set[int]], unresolved: bool) -> None:
        """Hook exactly these lines (absolute file -> lines); ``unresolved``: a breakpoint names no file."""
        self.fallback = set()
        self.untraceable_files = {"*"} if unresolved else set()
        filenames = set(lines_by_file) | {c.co_filename for c in self.lines_of}
        if not filenames:
            return
        functions, live = self._program_objects(filenames)
        for filename in filenames:
            try:
                self._apply_file(filename, lines_by_file.get(filename, set()), functions.get(filename, []),
                                 live.get(filename, set()))
            except Exception:  # unreadable, unparsable: trace it the old way
                self.untraceable_files.add(filename)

    # -- one file ------------------------------------------------------------------

    def _apply_file(self, filename: str, lines: Set[int], functions: List[types.FunctionType],
                    live: Set[types.CodeType]) -> None:
        plain_tree: Dict[CodeKey, types.CodeType] = {}
        hooked_tree: Dict[CodeKey, types.CodeType] = {}
        failed: Set[int] = set()
        if lines:
            with open(filename, "rb") as file:
                import importlib.util

                source = importlib.util.decode_source(file.read())
            plain_tree = self._compile(source, filename, None)
            instrumenter = _Instrumenter(set(lines))
            hooked_tree = self._compile(source, filename, instrumenter)
            failed = lines - instrumenter.hooked
        hookable = lines - failed
        for function in functions:
            code = function.__code__
            original = self.origin.get(code, code)
            wanted = frozenset(self._subtree_lines(original) & hookable)
            if wanted != self.lines_of.get(code, frozenset()):
                key = _key(original)
                plain, hooked = plain_tree.get(key), hooked_tree.get(key)
                if not wanted:
                    function.__code__ = original
                elif plain is not None and hooked is not None and plain.co_code == original.co_code \
                        and plain.co_freevars == original.co_freevars and self.lines_of.get(hooked) == wanted:
                    by_key = {_key(c): c for c in _walk(original)}
                    for each in _walk(hooked):
                        self.origin[each] = by_key.get(_key(each), each)
                    function.__code__ = hooked
                # else: the file changed since it was loaded; the code is traced below
            code = function.__code__
            missing = (self._subtree_lines(code) & lines) - self.lines_of.get(code, frozenset())
            if missing:
                self.fallback.update(self._holding(code, missing))
        # Frames already running keep their code: what it does not hook stays with settrace.
        defined = {self.origin.get(f.__code__, f.__code__) for f in functions}
        for code in live:
            if not code.co_flags & 0x0002:  # no CO_NEWLOCALS: the module's or a class body's frame
                if _own_lines(code) & lines:
                    self.fallback.add(code)
                self._undefined(code, defined, lines)
                continue
            missing = (self._subtree_lines(code) & lines) - self.lines_of.get(code, frozenset())
            if missing:
                self.fallback.update(self._holding(code, missing))

    def _undefined(self, code: types.CodeType, defined: Set[types.CodeType], lines: Set[int]) -> None:
        """A running module or class body will define with the code it holds what it has not defined yet."""
        for child in _children(code):
            if child in defined:
                continue
            if child.co_flags & 0x0002:
                self.fallback.update(self._holding(child, lines))
            else:  # a class body: its methods are defined once it ran
                self._undefined(child, defined, lines)

    def _compile(self, source: str, filename: str, instrumenter: Optional[_Instrumenter]
                 ) -> Dict[CodeKey, types.CodeType]:
        """Every code object of the file by key (ambiguous keys left out); with ``instrumenter``, hooked."""
        tree = ast.parse(source, filename)
        if instrumenter is not None:
            instrumenter.visit(tree)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # "'str' object is not callable": the sentinel
            module = compile(tree, filename, "exec", dont_inherit=True)
        if instrumenter is not None:
            module = self._link(module, instrumenter.hooked)
        found: Dict[CodeKey, types.CodeType] = {}
        ambiguous: Set[CodeKey] = set()
        for code in _walk(module):
            key = _key(code)
            if key in found:
                ambiguous.add(key)
            found[key] = code
        for key in ambiguous:
            del found[key]
        return found

    def _link(self, code: types.CodeType, hooked_lines: Set[int]) -> types.CodeType:
        """Put the hook where the sentinel is, in ``code`` and its children; remember the lines each hooks."""
        consts = []
        hooks_here = False
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                const = self._link(const, hooked_lines)
            elif type(const) is str and const == SENTINEL:
                const = self.hook
                hooks_here = True
            consts.append(const)
        linked = code.replace(co_consts=tuple(consts))
        lines: Set[int] = set(_own_lines(linked) & hooked_lines) if hooks_here else set()
        for child in _children(linked):
            lines |= self.lines_of.get(child, frozenset())
        self.lines_of[linked] = frozenset(lines)
        return linked

    def _subtree_lines(self, code: types.CodeType) -> Set[int]:
        lines: Set[int] = set()
        for each in _walk(code):
            lines |= _own_lines(each)
        return lines

    @staticmethod
    def _holding(code: types.CodeType, lines: Set[int]) -> Set[types.CodeType]:
        """``code`` and the code nested in it that hold one of ``lines``."""
        return {each for each in _walk(code) if _own_lines(each) & lines}

    # -- what the program holds ------------------------------------------------------

    @staticmethod
    def _program_objects(filenames: Set[str]
                         ) -> Tuple[Dict[str, List[types.FunctionType]], Dict[str, Set[types.CodeType]]]:
        """Functions by file, and the code of frames that run or may resume (stacks, suspended generators)."""
        functions: Dict[str, List[types.FunctionType]] = {}
        live: Dict[str, Set[types.CodeType]] = {}
        function_type = types.FunctionType
        wanted = _WALKED_TYPES
        for obj in gc.get_objects():
            # ``type(obj) in`` a set, not isinstance: none of these types can be subclassed, and the
            # whole heap goes through this loop (17,000 objects for a bare asyncio program: 2.5 ms -> <1 ms).
            kind = type(obj)
            if kind not in wanted:
                continue
            if kind is function_type:
                if obj.__code__.co_filename in filenames:
                    functions.setdefault(obj.__code__.co_filename, []).append(obj)
            else:
                frame: Optional[types.FrameType] = getattr(obj, "cr_frame", None) or getattr(obj, "gi_frame", None) \
                    or getattr(obj, "ag_frame", None)
                if frame is not None and frame.f_code.co_filename in filenames:
                    live.setdefault(frame.f_code.co_filename, set()).add(frame.f_code)
        for top in sys._current_frames().values():
            frame = top
            while frame is not None:
                if frame.f_code.co_filename in filenames:
                    live.setdefault(frame.f_code.co_filename, set()).add(frame.f_code)
                frame = frame.f_back
        return functions, live
