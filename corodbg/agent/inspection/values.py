"""Looking inside a local: the children of a container or an object, for the Frame pane's tree.

A child is named for a person (``'key'`` for a dict entry, ``[3]`` for an
item, ``attr`` for an attribute) and shown by its safe repr. The UI asks for
one level at a time, naming a path from the local down: the local's name,
then the position of each child in the list this module gave. The program is
paused, so the same object gives the same list.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import collections.abc
import itertools

from corodbg.agent.inspection.saferepr import PLAIN_TYPES, bounded_call, safe_repr
from corodbg.agent.inspection.saferepr import ReprTimeout as _TIMEOUT

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Sequence, Tuple, Union

#: Children listed per level; the reply says how many more there are.
CHILD_LIMIT = 200
#: Seconds one level of children may take (each child's repr has its own, smaller, budget).
CHILDREN_BUDGET = 1.0


class PathError(LookupError):
    """A path that no longer leads anywhere; the message says where it stopped."""


#: Containers whose ``len()`` and iteration run no program code: no time limit needed.
_BUILTIN_CONTAINERS = frozenset({list, tuple, dict, set, frozenset})


def is_expandable(value: Any) -> bool:
    """Whether the value has children worth a tree node: containers, and objects with attributes.

    ``len()`` may run the program's ``__len__``, which may raise or never
    return: the check is bounded like a repr (False when it fails or times out).
    """
    if type(value) in PLAIN_TYPES:
        return False
    if type(value) in _BUILTIN_CONTAINERS:
        return len(value) > 0
    return bounded_call(lambda: _is_expandable(value), False)


def _is_expandable(value: Any) -> bool:
    try:
        if isinstance(value, (collections.abc.Mapping, collections.abc.Collection)):
            return not isinstance(value, (str, bytes, bytearray)) and len(value) > 0
        return bool(_attributes(value))
    except Exception:  # a broken __len__ or __dict__: no children, no crash
        return False


def children(value: Any, limit: int = CHILD_LIMIT) -> Tuple[List[Tuple[str, Any]], int]:
    """(name, value) of the first ``limit`` children, and how many were left out.

    Listing runs program code (``__iter__``, ``__getitem__``, ``__len__``):
    bounded in time, and a failure or a timeout becomes one ``<error>`` child.
    """
    timed_out: Tuple[List[Tuple[str, Any]], int] = ([("<error>", "listing the children timed out")], 0)
    return bounded_call(lambda: _children(value, limit), timed_out, CHILDREN_BUDGET)


def _children(value: Any, limit: int) -> Tuple[List[Tuple[str, Any]], int]:
    try:
        if isinstance(value, collections.abc.Mapping):
            items = [(safe_repr(key), value[key]) for key in itertools.islice(value, limit)]
            return items, max(0, len(value) - limit)
        if isinstance(value, collections.abc.Collection) and not isinstance(value, (str, bytes, bytearray)):
            items = [(f"[{index}]", item) for index, item in enumerate(itertools.islice(value, limit))]
            return items, max(0, len(value) - limit)
        attributes = _attributes(value)
        return attributes[:limit], max(0, len(attributes) - limit)
    except _TIMEOUT:
        raise
    except Exception as error:
        return [("<error>", f"{type(error).__name__} while listing the children")], 0


def _attributes(value: Any) -> List[Tuple[str, Any]]:
    """An object's instance attributes (``__dict__`` and ``__slots__``), without calling properties."""
    found: Dict[str, Any] = {}
    instance_dict = getattr(value, "__dict__", None)
    if isinstance(instance_dict, dict):
        found.update((str(name), item) for name, item in instance_dict.items())
    for klass in type(value).__mro__:
        slots = getattr(klass, "__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in found and name not in ("__dict__", "__weakref__"):
                try:
                    found[name] = object.__getattribute__(value, name)
                except AttributeError:
                    pass
    return sorted(found.items())


def resolve(local_vars: Dict[str, Any], path: Sequence[Union[str, int]]) -> Any:
    """The value at ``path``: a local's name, then child positions."""
    if not path or path[0] not in local_vars:
        raise PathError(f"no local named {path[0]!r}" if path else "an empty path")
    value = local_vars[path[0]]
    for depth, position in enumerate(path[1:], 1):
        items, _ = children(value)
        if not isinstance(position, int) or not 0 <= position < len(items):
            raise PathError(f"{'.'.join(map(str, path[:depth]))} has no child {position!r} now")
        value = items[position][1]
    return value


def describe_children(value: Any) -> Dict[str, Any]:
    """The reply to ``expand``: each child's name, safe repr and whether it expands too."""
    items, more = children(value)
    return {"children": [{"name": name, "value": safe_repr(item), "expandable": is_expandable(item)}
                         for name, item in items], "more": more}
