"""Faithful: the program under corodbg does what it does under ``python``, in the same order.

Each program in ``tests/agent/faithful`` is run with plain python and under
``corodbg --headless`` (with ``--trace``, so that every pause is described as
in the UI), and compared byte for byte, or checked against what python would
do where plain python cannot be run (it would hang, or needs another process).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from support import corodbg_env

PROGRAMS = Path(__file__).resolve().parent / "faithful"
TIMEOUT = 60


def _env() -> Dict[str, str]:
    environment = corodbg_env()
    for name in ("PYTHONASYNCIODEBUG", "PYTHONDEVMODE", "PYTHONWARNINGS"):
        environment.pop(name, None)
    return environment


def python(program: str, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, program, *args], cwd=PROGRAMS, env=_env(), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)


def corodbg(program: str, *args: str, commands: List[str] = (), trace: bool = True,
            options: List[str] = (), timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """Run under ``corodbg --headless``; ``result.events`` holds the trace's events."""
    trace_file = PROGRAMS / f".{Path(program).stem}.{os.getpid()}.jsonl"
    argv = [sys.executable, "-m", "corodbg", "--headless", *options]
    if trace:
        argv += ["--trace", str(trace_file)]
    for command in commands:
        argv += ["-c", command]
    try:
        result = subprocess.run(argv + [program, *args], cwd=PROGRAMS, env=_env(), stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=timeout)
        result.events = ([json.loads(line) for line in trace_file.read_text().splitlines()]  # type: ignore[attr-defined]
                         if trace else [])
    finally:
        trace_file.unlink(missing_ok=True)
    return result


def same(expected: subprocess.CompletedProcess, actual: subprocess.CompletedProcess) -> None:
    assert (actual.stdout.decode(), actual.stderr.decode(), actual.returncode) == \
        (expected.stdout.decode(), expected.stderr.decode(), expected.returncode)


# -- 10: exceptions never retrieved ------------------------------------------------------


def test_an_exception_never_retrieved_is_reported_when_python_reports_it() -> None:
    """Pause descriptions must not keep a finished task (or a frame's locals snapshot) alive."""
    same(python("unretrieved_exception.py"), corodbg("unretrieved_exception.py"))
