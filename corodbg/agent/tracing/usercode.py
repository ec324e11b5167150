"""Which code is the user's: the only code that stepping stops in.

The standard library, site-packages and corodbg itself are never stepped into;
everything else with a real file is the user's. Standard library only.
"""

from __future__ import annotations

import os
import site
import sys

import corodbg

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Dict, Tuple


def _library_roots() -> Tuple[str, ...]:
    """The standard library, every site-packages folder, and corodbg's own folder.

    Not through ``sysconfig.get_paths()``: importing and asking it costs ~1.3 ms
    of start-up on 3.14, and its stdlib and site-packages are these folders
    (its "platstdlib" in a venv is the folder holding the venv's site-packages).
    """
    roots = {os.path.dirname(os.__file__)}  # the standard library
    getter = getattr(site, "getsitepackages", None)
    if getter is not None:
        roots.update(getter())
    user_site = getattr(site, "getusersitepackages", lambda: None)()
    if isinstance(user_site, str):
        roots.add(user_site)
    roots.add(os.path.dirname(os.path.abspath(corodbg.__file__)))
    return tuple(os.path.normcase(os.path.abspath(r)).rstrip(os.sep) + os.sep for r in roots)


_ROOTS = _library_roots()
#: corodbg's agent, whose frames never belong to the program's tracebacks or stacks.
OWN_FILES = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,)  # the agent folder
_CACHE: Dict[str, bool] = {}


def is_user_file(filename: str) -> bool:
    """True for a file of the user's program (cached: called on every traced frame)."""
    known = _CACHE.get(filename)
    if known is not None:
        return known
    if not filename or filename.startswith("<"):
        result = False
    else:
        path = os.path.normcase(os.path.abspath(filename))
        result = not path.startswith(_ROOTS)
    _CACHE[filename] = result
    return result


_DISPLAY_CACHE: Dict[str, str] = {}
_DISPLAY_CACHE_CWD = ""


def display_path(filename: str) -> str:
    """A path to show: relative to the working directory when under it, never a machine-specific prefix.

    Cached per file (every frame of every task asks, at every pause); the cache
    is dropped when the program changes directory.
    """
    global _DISPLAY_CACHE_CWD
    if not filename or filename.startswith("<"):
        return filename
    cwd = os.getcwd()
    if cwd != _DISPLAY_CACHE_CWD:
        _DISPLAY_CACHE.clear()
        _DISPLAY_CACHE_CWD = cwd
    known = _DISPLAY_CACHE.get(filename)
    if known is None:
        known = _DISPLAY_CACHE[filename] = _display_path(filename, cwd)
    return known


_REAL_PATHS: Dict[str, str] = {}


def real_path(filename: str) -> str:
    """The file's absolute path, for reading its source (labels use ``display_path``)."""
    known = _REAL_PATHS.get(filename)
    if known is None:
        known = _REAL_PATHS[filename] = filename if filename.startswith("<") else os.path.abspath(filename)
    return known


def _display_path(filename: str, cwd: str) -> str:
    path = os.path.abspath(filename)
    if path.startswith(cwd + os.sep):
        return os.path.relpath(path, cwd)
    for root in _ROOTS:
        if os.path.normcase(path).startswith(root):
            return os.path.join("<lib>", path[len(root):])
    return path


del sys
