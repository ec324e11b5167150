"""``corodbg --headless PROGRAM`` must behave exactly like ``python PROGRAM``.

For every program in ``tests/agent/programs`` and every sample in
``samples/``: run it with the test's interpreter, then under corodbg, and
compare stdout bytes, stderr bytes and the exit status. A program that needs a
newer Python says so in a ``# requires: 3.X`` line and is skipped on older ones.

The exceptions, checked against fixed expectations instead of ``python``:
``samples/deadlock.py`` (python hangs; corodbg reports the deadlock) and
``programs/hour_sleep.py`` (python would sleep for two hours). Programs that
need one of corodbg's shims (``samples/generator.py`` on 3.11+: no
``asyncio.coroutine``; on 3.14 every program calling ``get_event_loop()``
without a loop) make python fail: for them ``corodbg --strict`` must equal
python byte for byte, and plain ``corodbg`` must exit 0 with exactly the
shim's one notice on stderr (and the known stdout, see ``SHIM_STDOUT``).
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

import pytest
from support import CHAIN_OUTPUT, REPO, corodbg_env

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"
SAMPLES_DIR = REPO / "samples"
TIMEOUT = 60

#: Checked against fixed expectations, never run with plain python.
NOT_UNDER_PYTHON = {"deadlock.py", "hour_sleep.py"}


HOUR_SLEEP_OUTPUT = (
    b"slept 3600 s\n"
    b"['half', 'minute'] 5400 s\n"
    b"two hours 7200 s\n"
)


#: Engine bugs found by these tests and not fixed yet (program stem -> reason).
KNOWN_ENGINE_BUGS = {
    "exc_keyboard_interrupt": "engine bug: a KeyboardInterrupt escaping the loop shows "
                              "corodbg/agent/loop/step_loop.py _run_once in the traceback instead of base_events.py",
}


def env() -> dict:
    environment = corodbg_env()
    for name in ("PYTHONASYNCIODEBUG", "PYTHONDEVMODE", "PYTHONWARNINGS"):
        environment.pop(name, None)
    return environment


def run(argv: List[str], cwd: Path, *, merge_stderr: bool = False,
        timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, cwd=cwd, env=env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE, timeout=timeout)


def python(program: Path, **kwargs) -> subprocess.CompletedProcess:
    return run([sys.executable, program.name], program.parent, **kwargs)


def corodbg(program: Path, *options: str, **kwargs) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "corodbg", "--headless", *options, program.name],
               program.parent, **kwargs)


def required_version(program: Path) -> Optional[tuple]:
    match = re.search(r"^# requires: (\d+)\.(\d+)\s*$", program.read_text(), re.MULTILINE)
    return (int(match.group(1)), int(match.group(2))) if match else None


def cases(directory: Path, prefix: str) -> list:
    params = []
    for program in sorted(directory.glob("*.py")):
        marks = []
        needed = required_version(program)
        if needed is not None:
            marks.append(pytest.mark.skipif(
                sys.version_info < needed, reason=f"needs Python {needed[0]}.{needed[1]}+"))
        if prefix == "programs" and program.stem in KNOWN_ENGINE_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_ENGINE_BUGS[program.stem]))
        params.append(pytest.param(program, id=f"{prefix}/{program.stem}", marks=marks))
    return params


def diff(name: str, expected: bytes, actual: bytes) -> str:
    lines = difflib.unified_diff(
        expected.decode(errors="replace").splitlines(keepends=True),
        actual.decode(errors="replace").splitlines(keepends=True),
        f"{name} (python)", f"{name} (corodbg)")
    return "".join(lines) or f"{name}: {expected!r} != {actual!r}\n"


def assert_same(expected: subprocess.CompletedProcess, actual: subprocess.CompletedProcess) -> None:
    """Equal stdout bytes, stderr bytes and exit status; a failure shows a diff of each."""
    problems = []
    if actual.stdout != expected.stdout:
        problems.append(diff("stdout", expected.stdout, actual.stdout))
    if actual.stderr != expected.stderr:
        problems.append(diff("stderr", expected.stderr, actual.stderr))
    if actual.returncode != expected.returncode:
        problems.append(f"exit status: python {expected.returncode}, corodbg {actual.returncode}\n")
    assert not problems, "\n" + "".join(problems)


#: What a program that needs a shim prints under corodbg (python itself fails on it).
SHIM_STDOUT = {"generator.py": CHAIN_OUTPUT}


def shim_notice(plain: subprocess.CompletedProcess) -> Optional[bytes]:
    """The notice corodbg prints when python failed for want of a shim corodbg provides, else None."""
    from corodbg.agent.loop.install import COROUTINE_NOTICE, GET_EVENT_LOOP_NOTICE

    if plain.returncode == 0:
        return None
    if b"module 'asyncio' has no attribute 'coroutine'" in plain.stderr:
        return COROUTINE_NOTICE.encode() + b"\n"
    if sys.version_info >= (3, 14) and b"There is no current event loop" in plain.stderr:
        return GET_EVENT_LOOP_NOTICE.encode() + b"\n"
    return None


@pytest.mark.parametrize("program", cases(PROGRAMS_DIR, "programs") + cases(SAMPLES_DIR, "samples"))
def test_same_as_python(program: Path) -> None:
    """Byte for byte as python; a program that needs a shim (python fails on it): with --strict
    byte for byte as python, without it the shim's one notice on stderr and the expected stdout."""
    if program.name in NOT_UNDER_PYTHON:
        pytest.skip("checked by its own test")
    plain = python(program)
    notice = shim_notice(plain)
    if notice is None:
        assert_same(plain, corodbg(program))
        return
    assert_same(plain, corodbg(program, "--strict"))
    shimmed = corodbg(program)
    # The notice, once; after it only what python itself warns about (3.12+: get_event_loop()).
    assert shimmed.returncode == 0 and shimmed.stderr.startswith(notice), shimmed.stderr
    notices = [line for line in shimmed.stderr.splitlines() if line.startswith(b"corodbg:")]
    assert len(notices) == len(set(notices)) and b"Traceback" not in shimmed.stderr  # each shim says it once
    if program.name in SHIM_STDOUT:  # (3.14: the programs without a known stdout are checked as above only)
        assert shimmed.stdout == SHIM_STDOUT[program.name]


@pytest.mark.parametrize("name", ["stderr_interleaved.py", "exc_unhandled.py", "exc_never_awaited.py"])
def test_same_interleaving_of_stdout_and_stderr(name: str) -> None:
    """With both streams on one pipe, the bytes interleave exactly as with python."""
    program = PROGRAMS_DIR / name
    assert_same(python(program, merge_stderr=True), corodbg(program, merge_stderr=True))


def test_hour_sleep_takes_no_wall_time() -> None:
    started = time.monotonic()
    result = corodbg(PROGRAMS_DIR / "hour_sleep.py", timeout=30)
    elapsed = time.monotonic() - started
    assert (result.stdout, result.stderr, result.returncode) == (HOUR_SLEEP_OUTPUT, b"", 0)
    assert elapsed < 10, f"two virtual hours took {elapsed:.1f} s of wall time"


def test_deadlock_sample_is_reported_not_hung() -> None:
    started = time.monotonic()
    try:
        result = corodbg(SAMPLES_DIR / "deadlock.py", timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("corodbg hung on a deadlock instead of reporting it")
    assert time.monotonic() - started < 5
    assert result.returncode != 0
    assert b"deadlock" in result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stdout == (
        b"left: holds lock_a\n"
        b"right: holds lock_b\n"
        b"left: waiting for lock_b\n"
        b"right: waiting for lock_a\n"
    )


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.coroutine still exists on 3.10")
def test_generator_sample_runs_on_311_and_later() -> None:
    program = SAMPLES_DIR / "generator.py"
    plain = python(program)
    assert plain.returncode == 1 and b"AttributeError" in plain.stderr  # why python is not the reference
    result = corodbg(program)
    assert result.returncode == 0
    assert result.stdout == CHAIN_OUTPUT
    # said once, though the program decorates three functions (3.12+ add python's own
    # DeprecationWarning for get_event_loop() after it)
    assert result.stderr.startswith(b"corodbg: asyncio.coroutine was removed in Python 3.11; corodbg provides "
                                    b"it for this program (--strict: python's behaviour)\n")
    assert result.stderr.count(b"asyncio.coroutine was removed") == 1
    # 3.14+: the program's get_event_loop() needs the other shim, said once too
    assert result.stderr.count(b"corodbg:") == (2 if sys.version_info >= (3, 14) else 1)


@pytest.mark.parametrize("name", ["gather.py", "taskgroup.py"])
def test_corodbg_gives_no_warning_of_its_own(name: str) -> None:
    """With warnings as errors, a program runs as under python: corodbg itself uses nothing
    deprecated (3.14 deprecates the policy system, which corodbg installs its loop through)."""
    program = PROGRAMS_DIR / name
    if required_version(program) and sys.version_info < required_version(program):  # type: ignore[operator]
        pytest.skip("needs a newer Python")
    expected = run([sys.executable, "-W", "error", program.name], program.parent)
    actual = run([sys.executable, "-W", "error", "-m", "corodbg", "--headless", program.name], program.parent)
    assert_same(expected, actual)
