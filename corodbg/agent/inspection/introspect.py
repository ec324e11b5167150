"""Reading the state of a paused program into plain data: ready queue, tasks, await chains.

Nothing here changes the program's state: an exception is read from
``task._exception``, never through ``task.exception()``, which would mark it
retrieved and silence asyncio's "Task exception was never retrieved".

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import ast
import asyncio
import gc
import inspect
import linecache
import sys
import types

from corodbg.agent.inspection.saferepr import safe_repr, safe_str
from corodbg.agent.inspection.values import is_expandable
from corodbg.agent.tracing.usercode import display_path, is_user_file, real_path

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

    from corodbg.agent.protocol import FrameInfo, Location, TaskInfo

MAX_LOCALS = 40
MAX_CHAIN = 64
_SHORT = 24


# -- await chains ---------------------------------------------------------------

def _awaited_by(obj: Any) -> Any:
    """What a suspended coroutine, generator or async generator is waiting on."""
    for attribute in ("cr_await", "gi_yieldfrom", "ag_await"):
        if hasattr(obj, attribute):
            return getattr(obj, attribute)
    # coroutine_wrapper (from __await__()), FutureIter, async_generator_asend:
    # they hide their target, but the garbage collector knows it.
    if type(obj).__name__ in ("coroutine_wrapper", "FutureIter", "async_generator_asend",
                              "async_generator_athrow", "_GeneratorWrapper"):
        for referent in gc.get_referents(obj):
            if isinstance(referent, (types.CoroutineType, types.GeneratorType,
                                     types.AsyncGeneratorType, asyncio.Future)):
                return referent
    return None


def await_chain(coro: Any) -> List[Any]:
    """The chain of awaitables from a task's coroutine down to what it waits on, outermost first."""
    chain: List[Any] = []
    seen = set()
    obj = coro
    while obj is not None and id(obj) not in seen and len(chain) < MAX_CHAIN:
        seen.add(id(obj))
        chain.append(obj)
        if isinstance(obj, asyncio.Future):
            break
        obj = _awaited_by(obj)
    return chain


def frame_of(obj: Any) -> Optional[types.FrameType]:
    for attribute in ("cr_frame", "gi_frame", "ag_frame"):
        frame = getattr(obj, attribute, None)
        if frame is not None:
            return frame
    return None


def qualname(code: types.CodeType) -> str:
    return getattr(code, "co_qualname", code.co_name)


def frame_info(frame: types.FrameType) -> FrameInfo:
    """A frame as plain data: its location, source line, and (for user code) its locals."""
    code = frame.f_code
    user = is_user_file(code.co_filename)
    where = location_of(frame)
    shown, expandable = frame_locals(frame) if user else ({}, [])
    used = globals_used(frame) if user else []
    if used:
        _MODULE_GLOBALS[where["file"]] = frame.f_globals
    return {
        "function": where["function"],
        "file": where["file"],
        "path": where["path"],
        "line": where["line"],
        "source": linecache.getline(code.co_filename, where["line"]).strip(),
        "locals": shown,
        "expandable": expandable,
        "user": user,
        "globals_used": used,
    }


#: The module namespace of each file whose frames read globals (display path -> f_globals).
_MODULE_GLOBALS: Dict[str, Dict[str, Any]] = {}
_GLOBAL_NAMES: Dict[types.CodeType, Tuple[str, ...]] = {}
MAX_GLOBALS = 20


def globals_used(frame: types.FrameType) -> List[str]:
    """The module-level variables the frame's code reads or writes (``counter`` in a race),
    not the modules, functions and classes it calls."""
    code = frame.f_code
    names = _GLOBAL_NAMES.get(code)
    if names is None:
        names = _GLOBAL_NAMES[code] = tuple(name for name in code.co_names if not name.startswith("__"))
    namespace = frame.f_globals
    used = []
    for name in names:
        if name in namespace and not _is_definition(namespace[name]):
            used.append(name)
            if len(used) == MAX_GLOBALS:
                break
    return used


def _is_definition(value: Any) -> bool:
    return isinstance(value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type))


def globals_snapshot(files_and_names: Iterable[Tuple[str, Iterable[str]]]) -> Dict[str, Dict[str, str]]:
    """Safe reprs of the named globals of each file, read now (one pause's values)."""
    snapshot: Dict[str, Dict[str, str]] = {}
    for file, names in files_and_names:
        namespace = _MODULE_GLOBALS.get(file)
        if namespace is None:
            continue
        values = snapshot.setdefault(file, {})
        for name in names:
            if name not in values and name in namespace:
                values[name] = safe_repr(namespace[name])
    return snapshot


def location_of(frame: types.FrameType) -> Location:
    code = frame.f_code
    return {"file": display_path(code.co_filename), "line": frame.f_lineno or code.co_firstlineno,
            "function": qualname(code), "path": real_path(code.co_filename)}


def read_locals(frame: types.FrameType) -> Dict[str, Any]:
    """A copy of the frame's variables, leaving nothing of the debugger's reading behind.

    Before 3.13 ``frame.f_locals`` builds a dict that stays cached on the frame
    and holds every value until the frame next runs a trace call or ends: a
    variable the program has since deleted stays alive (a failed task whose
    last reference was ``del``-ed would report "exception was never retrieved"
    late, or never call the program's exception handler). So the cached dict
    of a suspended function frame (``f_back`` is None: not executing) is
    emptied after copying; it is rebuilt from the frame whenever read again,
    and a trace call rebuilds it before using it. Module and class frames are
    left alone: their ``f_locals`` *is* their namespace.
    """
    cached = frame.f_locals
    copy = dict(cached)
    if _SNAPSHOT_LOCALS and frame.f_back is None and frame.f_code.co_flags & inspect.CO_OPTIMIZED \
            and cached is not frame.f_globals:
        cached.clear()
    return copy


_SNAPSHOT_LOCALS = sys.version_info < (3, 13)


def frame_locals(frame: types.FrameType) -> Tuple[Dict[str, str], List[str]]:
    """The frame's locals as safe reprs, and the names of those the Frame pane can expand."""
    result: Dict[str, str] = {}
    expandable: List[str] = []
    try:
        items = list(read_locals(frame).items())
    except Exception:
        return result, expandable
    for name, value in items[:MAX_LOCALS]:
        result[str(name)] = safe_repr(value)
        if is_expandable(value):
            expandable.append(str(name))
    return result, expandable


def call_description(frame: types.FrameType) -> str:
    """``sleep(1)``, ``Queue.get()``: a frame shown as the call that made it."""
    code = frame.f_code
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    shown = []
    try:
        values = read_locals(frame)
    except Exception:
        values = {}
    for name in names:
        if name in ("self", "cls", "loop") or name not in values or values[name] is None:
            continue
        text = argument_text(values[name])
        shown.append(text if len(text) <= _SHORT else text[: _SHORT - 3] + "...")
        if len(shown) == 2:
            break
    name = qualname(code)
    if "." not in name and code.co_argcount and code.co_varnames[0] == "self" and "self" in values:
        name = f"{type(values['self']).__name__}.{name}"  # 3.10 has no co_qualname
    return f"{name}({', '.join(shown)})"


def argument_text(value: Any) -> str:
    """An argument as a call shows it: a task by its name (``Task-3``), anything else as a safe repr."""
    if isinstance(value, asyncio.Task):
        try:
            return value.get_name()
        except Exception:
            pass
    return safe_repr(value)


def coroutine_label(coro: Any) -> str:
    """``outer()``: a coroutine named by its function.

    On 3.12+ a task made from a generator-based coroutine runs asyncio's
    ``ensure_future.<locals>._wrap_awaitable`` around it: name the wrapped one.
    """
    name = getattr(coro, "__qualname__", None) or type(coro).__name__
    if name.endswith("._wrap_awaitable"):
        frame = getattr(coro, "cr_frame", None)
        inner = getattr(coro, "cr_await", None) or (read_locals(frame).get("awaitable") if frame else None)
        if inner is not None:
            return coroutine_label(inner)
    return f"{name}()"


def task_label(task: asyncio.Task) -> str:
    """``Task-2 worker()``: a task named for a person."""
    return f"{task.get_name()} {coroutine_label(task.get_coro())}"


def innermost_user_frame(chain: Iterable[Any]) -> Optional[types.FrameType]:
    """The deepest frame of user code in an await chain: where that task "is"."""
    found = None
    for obj in chain:
        frame = frame_of(obj)
        if frame is not None and is_user_file(frame.f_code.co_filename):
            found = frame
    return found


def user_caller(frame: Optional[types.FrameType]) -> Optional[types.FrameType]:
    """``frame`` or the nearest of its callers that runs user code: where the program called in from."""
    while frame is not None and not is_user_file(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def awaiting_description(chain: List[Any]) -> Optional[str]:
    """What a suspended chain waits on, named for a person: the first library call
    below the user's frames (``sleep(1)``, ``Queue.get()``), else the future."""
    last_user = -1
    for position, obj in enumerate(chain):
        frame = frame_of(obj)
        if frame is not None and is_user_file(frame.f_code.co_filename):
            last_user = position
    below = chain[last_user + 1:]
    frames = [frame for frame in map(frame_of, below) if frame is not None]
    if frames:
        # The call the program made, as it wrote it: StreamReader.readline(), not the private
        # _wait_for_data() inside; past dunders: Lock.acquire(), not __aenter__().
        public = [frame for frame in frames if not frame.f_code.co_name.startswith("_")]
        frame = public[0] if public else frames[0]
        return lock_wait_description(frame, chain) or call_description(frame)
    if below and isinstance(below[-1], asyncio.Future):
        return future_description(below[-1])
    return None


def future_description(future: asyncio.Future) -> str:
    """``Task-2 work()``; ``gather: 1 of 3 done (Task-2, Task-3, Task-4)``; ``Future (pending)``."""
    if isinstance(future, asyncio.Task):
        return task_label(future)
    children = getattr(future, "_children", None)
    if isinstance(children, list):  # gather's future
        done = sum(1 for child in children if isinstance(child, asyncio.Future) and child.done())
        names = [child.get_name() if isinstance(child, asyncio.Task) else "a future" for child in children[:3]]
        more = ", …" if len(children) > 3 else ""
        return f"gather: {done} of {len(children)} done ({', '.join(names)}{more})"
    state = "done" if future.done() else "pending"
    return f"{type(future).__name__} ({state})"


# -- locks: which variable, and which task holds it ------------------------------------

_SYNC_PRIMITIVES = (asyncio.Lock, asyncio.Semaphore, asyncio.Condition)


def acquired_primitive(frame: types.FrameType) -> Any:
    """The Lock, Semaphore or Condition a frame of its ``acquire`` waits for; None for any other frame."""
    if frame.f_code.co_name != "acquire" or is_user_file(frame.f_code.co_filename):
        return None
    try:
        primitive = frame.f_locals.get("self")
    except Exception:
        return None
    return primitive if isinstance(primitive, _SYNC_PRIMITIVES) else None


def primitive_name(primitive: Any, chain: List[Any]) -> str:
    """``Lock lock_b``: its type and the variable the waiting chain knows it by."""
    kind = type(primitive).__name__
    name = _name_in_user_frames(chain, primitive)
    return f"{kind} {name}" if name else f"{kind}.acquire()"


def lock_wait_description(frame: types.FrameType, chain: List[Any]) -> Optional[str]:
    """``Lock lock_b (held by Task-3 worker())`` for a frame of ``Lock.acquire`` (and
    Semaphore's, Condition's): the variable the waiting task knows it by, and the task
    whose ``async with`` holds it."""
    primitive = acquired_primitive(frame)
    if primitive is None:
        return None
    holders = [task_label(task) for task in holders_of(primitive)]
    text = primitive_name(primitive, chain)
    if holders:
        text += f" (held by {', '.join(holders[:3])}{', …' if len(holders) > 3 else ''})"
    return text


def _name_in_user_frames(chain: List[Any], value: Any) -> Optional[str]:
    """The name ``value`` has in the innermost user frame of the chain that has one (locals, then globals)."""
    for obj in reversed(chain):
        frame = frame_of(obj)
        if frame is None or not is_user_file(frame.f_code.co_filename):
            continue
        for namespace in (_locals_of(frame), frame.f_globals):
            for key, item in namespace.items():
                if item is value and isinstance(key, str):
                    return key
    return None


def _locals_of(frame: types.FrameType) -> Dict[str, Any]:
    try:
        return dict(frame.f_locals)
    except Exception:
        return {}


#: Inside ``one_snapshot()``: what the tasks of each loop hold, found once per loop
#: (id(loop) -> id(primitive) -> (primitive, its holders)).
_HOLDINGS: List[Dict[int, Dict[int, Tuple[Any, List[asyncio.Task]]]]] = []


class one_snapshot:
    """While one pause is described, the tasks' ``async with`` holdings are found once, not per waiter.

    ``holders_of`` walks every task's await chain; asked for each of 10,000
    tasks waiting on one lock, that was 10,000 x 10,000 chains per pause. The
    holdings are kept only inside the ``with`` (the program does not run
    meanwhile), so no task or lock outlives the pause because of them.
    """

    def __enter__(self) -> None:
        _HOLDINGS.append({})

    def __exit__(self, *exc: object) -> None:
        _HOLDINGS.pop()


def holders_of(primitive: Any) -> List[asyncio.Task]:
    """The tasks whose frames are inside an ``async with``/``with`` on ``primitive`` now.

    asyncio's locks do not record their owner; the source does: a frame whose
    current line lies in the body of ``async with lock:`` holds ``lock``.
    """
    loop = getattr(primitive, "_loop", None)
    if loop is None:
        return []
    if _HOLDINGS:
        by_loop = _HOLDINGS[-1]
        holdings = by_loop.get(id(loop))
        if holdings is None:
            holdings = by_loop[id(loop)] = _all_holdings(loop)
    else:
        holdings = _all_holdings(loop)
    found = holdings.get(id(primitive))
    return list(found[1]) if found is not None and found[0] is primitive else []


def _all_holdings(loop: Any) -> Dict[int, Tuple[Any, List[asyncio.Task]]]:
    """Every object some task's user frame holds by ``async with``/``with`` now, with those tasks (by name)."""
    try:
        tasks = asyncio.all_tasks(loop)
    except Exception:
        return {}
    holdings: Dict[int, Tuple[Any, List[asyncio.Task]]] = {}
    for task in tasks:
        held_here: Set[int] = set()
        for obj in await_chain(task.get_coro()):
            frame = frame_of(obj)
            if frame is None or not is_user_file(frame.f_code.co_filename):
                continue
            for held in held_context_managers(frame):
                if id(held) not in held_here:
                    held_here.add(id(held))
                    holdings.setdefault(id(held), (held, []))[1].append(task)
    for _, holders in holdings.values():
        holders.sort(key=lambda task: task.get_name())
    return holdings


_WITH_BLOCKS: Dict[str, List[Tuple[int, int, List[str]]]] = {}


def held_context_managers(frame: types.FrameType) -> List[Any]:
    """The objects of the ``with``/``async with`` statements whose body the frame is in now
    (only context expressions that are a name or a dotted name: reading them runs no code)."""
    line = frame.f_lineno
    held = []
    for first, last, path in _with_blocks(frame.f_code.co_filename):
        if first <= line <= last:
            value = _resolve(frame, path)
            if value is not None:
                held.append(value)
    return held


def _with_blocks(filename: str) -> List[Tuple[int, int, List[str]]]:
    """(first body line, last body line, dotted name) of each with-item in the file (cached)."""
    known = _WITH_BLOCKS.get(filename)
    if known is not None:
        return known
    blocks: List[Tuple[int, int, List[str]]] = []
    try:
        tree = ast.parse("".join(linecache.getlines(filename)), filename)
    except (SyntaxError, ValueError):
        tree = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, (ast.With, ast.AsyncWith)) and node.body:
            first, last = node.body[0].lineno, getattr(node.body[-1], "end_lineno", None) or node.body[-1].lineno
            for item in node.items:
                path = _dotted(item.context_expr)
                if path:
                    blocks.append((first, last, path))
    _WITH_BLOCKS[filename] = blocks
    return blocks


def _dotted(node: ast.AST) -> Optional[List[str]]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return [*head, node.attr] if head else None
    return None


def _resolve(frame: types.FrameType, path: List[str]) -> Any:
    """A dotted name's value in the frame, read without running the program's code (no properties)."""
    namespace = _locals_of(frame)
    missing = object()
    value = namespace.get(path[0], missing)
    if value is missing:
        value = frame.f_globals.get(path[0], missing)
    if value is missing:
        return None
    for attribute in path[1:]:
        try:
            value = inspect.getattr_static(value, attribute)
        except AttributeError:
            return None
    return value


# -- tasks ----------------------------------------------------------------------

def task_of_callback(callback: Any) -> Optional[asyncio.Task]:
    """The task a ready handle steps or wakes (C TaskStepMethWrapper, task_wakeup, bound methods)."""
    owner = getattr(callback, "__self__", None)
    return owner if isinstance(owner, asyncio.Task) else None


def _waiting_tasks(future: Any) -> List[asyncio.Task]:
    """The tasks a future will wake when it is done."""
    tasks = []
    for entry in getattr(future, "_callbacks", None) or ():
        callback = entry[0] if isinstance(entry, tuple) else entry
        task = task_of_callback(callback)
        if task is not None:
            tasks.append(task)
    return tasks


def _coroutine_started(coro: Any) -> bool:
    try:
        if inspect.iscoroutine(coro):
            return inspect.getcoroutinestate(coro) != inspect.CORO_CREATED
        if inspect.isgenerator(coro):
            return inspect.getgeneratorstate(coro) != inspect.GEN_CREATED
    except Exception:
        pass
    return True


def is_housekeeping_task(task: asyncio.Task) -> bool:
    """asyncio's own tasks: ``asyncio.run``'s shutdown of async generators and executors,
    a server's accepting of a connection (the event loop's methods, run as tasks)."""
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None)
    return code is not None and not is_user_file(code.co_filename) and (
        code.co_name.startswith("shutdown_") or "EventLoop." in getattr(coro, "__qualname__", ""))


def _callback_name(handle: asyncio.Handle) -> str:
    callback = handle._callback  # type: ignore[attr-defined]
    return getattr(callback, "__name__", "") or type(callback).__name__


def task_action(handle: asyncio.Handle, task: asyncio.Task) -> str:
    """What running a task's ready handle does to it: start, resume, wakeup or cancel."""
    if "wakeup" in _callback_name(handle):
        return "wakeup"
    if getattr(task, "_must_cancel", False):
        return "cancel"
    return "resume" if _coroutine_started(task.get_coro()) else "start"


def is_housekeeping(handle: asyncio.Handle) -> bool:
    """asyncio's own bookkeeping, which ``send`` runs without pausing."""
    task = task_of_callback(handle._callback)  # type: ignore[attr-defined]
    if task is not None:
        return is_housekeeping_task(task)
    return _callback_name(handle) == "_run_until_complete_cb"


def handle_owner(handle: asyncio.Handle) -> Optional[asyncio.Task]:
    """The task a ready handle runs, or for a sleep's timer, the task it wakes."""
    task = task_of_callback(handle._callback)  # type: ignore[attr-defined]
    if task is None and _callback_name(handle) == "_set_result_unless_cancelled" and handle._args:
        waiters = _waiting_tasks(handle._args[0])
        task = waiters[0] if waiters else None
    return task


def task_outcome(task: asyncio.Task) -> Tuple[Optional[str], Optional[str], str]:
    """(result, exception, state) of a done task, without marking its exception retrieved."""
    if task.cancelled():
        return None, "CancelledError", "cancelled"
    exception = getattr(task, "_exception", None)
    if exception is not None:
        return None, f"{type(exception).__name__}: {safe_repr(safe_str(exception))[1:-1]}".rstrip(": "), "failed"
    return safe_repr(getattr(task, "_result", None)), None, "done"


def outcome_text(task: asyncio.Task) -> str:
    """How a done task ended, as words: ``returned 3``, ``raised ValueError: x``, ``was cancelled``."""
    result, exception, state = task_outcome(task)
    if state == "cancelled":
        return "was cancelled"
    return f"raised {exception}" if exception else f"returned {result}"


def task_info(task: asyncio.Task, *, task_id: int, ready_tasks: Dict[int, str],
              running: Optional[asyncio.Task], running_frame: Optional[types.FrameType]) -> TaskInfo:
    coro = task.get_coro()
    info: TaskInfo = {
        "id": task_id, "name": task.get_name(), "coroutine": coroutine_label(coro),
        "state": "waiting", "frames": [], "awaiting": None, "result": None, "exception": None,
        "internal": is_housekeeping_task(task),
    }
    if task.done():
        info["result"], info["exception"], info["state"] = task_outcome(task)
        return info
    info["frames"] = [frame_info(frame) for frame in task_frames(task, running=running,
                                                                  running_frame=running_frame)]
    if task is running and running_frame is not None:
        info["state"] = "running"
        return info
    chain = await_chain(coro)
    if id(task) in ready_tasks:
        info["state"] = "ready"
        info["awaiting"] = ready_tasks[id(task)]
    else:
        info["awaiting"] = awaiting_description(chain)
    return info


def task_frames(task: asyncio.Task, *, running: Optional[asyncio.Task],
                running_frame: Optional[types.FrameType]) -> List[types.FrameType]:
    """A pending task's frames, outermost first, exactly as ``task_info`` lists them.

    ``p`` in the UI names a frame by its index in that list, so both must agree.
    """
    if task.done():
        return []
    coro = task.get_coro()
    if task is running and running_frame is not None:
        frames = running_stack(coro, running_frame)
    else:
        frames = [frame for frame in map(frame_of, await_chain(coro)) if frame is not None]
    return [frame for frame in frames if not _is_wrapper(frame)]


def _is_wrapper(frame: types.FrameType) -> bool:
    """asyncio's ``_wrap_awaitable`` (3.12+, around a generator-based coroutine): not worth a row."""
    return frame.f_code.co_name == "_wrap_awaitable" and not is_user_file(frame.f_code.co_filename)


def running_stack(coro: Any, frame: types.FrameType) -> List[types.FrameType]:
    """From an executing coroutine's own frame down to ``frame``, outermost first."""
    top = frame_of(coro)
    stack = []
    current: Optional[types.FrameType] = frame
    while current is not None:
        stack.append(current)
        if current is top:
            break
        current = current.f_back
    if not stack or stack[-1] is not top:
        stack = [frame]
    return list(reversed(stack))
