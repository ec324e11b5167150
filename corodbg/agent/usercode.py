"""Which code is the user's: the only code that stepping stops in.

The standard library, site-packages and corodbg itself are never stepped into;
everything else with a real file is the user's. Standard library only.
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
from typing import Dict, Tuple

import corodbg


def _library_roots() -> Tuple[str, ...]:
    roots = set()
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(name)
        if path:
            roots.add(path)
    for getter in (getattr(site, "getsitepackages", None), ):
        if getter is not None:
            roots.update(getter())
    user_site = getattr(site, "getusersitepackages", lambda: None)()
    if isinstance(user_site, str):
        roots.add(user_site)
    roots.add(os.path.dirname(os.path.abspath(corodbg.__file__)))
    return tuple(os.path.normcase(os.path.abspath(r)).rstrip(os.sep) + os.sep for r in roots)


_ROOTS = _library_roots()
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


def display_path(filename: str) -> str:
    """A path to show: relative to the working directory when under it, never a machine-specific prefix."""
    if not filename or filename.startswith("<"):
        return filename
    path = os.path.abspath(filename)
    cwd = os.getcwd()
    if path.startswith(cwd + os.sep):
        return os.path.relpath(path, cwd)
    for root in _ROOTS:
        if os.path.normcase(path).startswith(root):
            return os.path.join("<lib>", path[len(root):])
    return path


del sys
