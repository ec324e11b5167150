"""What several test modules need: where things are, and how to run corodbg from this checkout."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"

#: What the seed's chain.py (and generator.py) print under plain python.
CHAIN_OUTPUT = (
    b"in outer\n"
    b"waiting for result1\n"
    b"in phase1\n"
    b"waiting for result2\n"
    b"in phase2\n"
    b"return value: ('result1', 'result2 derived from result1')\n"
)


def _installed() -> bool:
    """Whether the corodbg this interpreter imports is an installation, not this checkout."""
    try:
        import corodbg
    except ImportError:
        return False
    return Path(corodbg.__file__).resolve().parents[1] != REPO


#: Tests run what a user runs: the installed corodbg when there is one (a checkout on
#: PYTHONPATH hid defect 1, where the UI could not import the venv's own packages).
INSTALLED = _installed()


def corodbg_env(*extra_paths: str, **overrides: str) -> Dict[str, str]:
    """The environment for running corodbg: ``extra_paths`` then the caller's PYTHONPATH, with this
    checkout first only when corodbg is not installed for this interpreter."""
    environment = dict(os.environ)
    paths = ([] if INSTALLED else [str(REPO)]) + [*extra_paths] + (
        [environment["PYTHONPATH"]] if environment.get("PYTHONPATH") else [])
    if paths:
        environment["PYTHONPATH"] = os.pathsep.join(paths)
    environment.update(overrides)
    return environment
