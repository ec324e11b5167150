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


def corodbg_env(*extra_paths: str, **overrides: str) -> Dict[str, str]:
    """The environment with this checkout first on PYTHONPATH, then ``extra_paths``, then the caller's own."""
    environment = dict(os.environ)
    paths = [str(REPO), *extra_paths] + ([environment["PYTHONPATH"]] if environment.get("PYTHONPATH") else [])
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    environment.update(overrides)
    return environment
