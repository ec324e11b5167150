"""CPython's own asyncio test suite under ``corodbg --headless``, module by module, against plain python.

    python bench/test_asyncio_on_corodbg.py [--python PY] [--timeout S] [--json FILE] [MODULE ...]

For every ``test.test_asyncio`` module (or the ones named) the module's tests
run twice in this run: under plain ``python`` and under ``corodbg --headless
--strict`` (the same interpreter; ``--strict``: without the shims for the
seed's programs, whose point is to differ from python). Each run reports tests run / failed / errored /
skipped, and, per test, which event loops the test made: a hook wraps
``asyncio.BaseEventLoop.__init__`` and records the class of every loop made
while the test runs, so the table says how many tests really ran on the step
loop (and how many made a loop at all). A module that does not finish within
the timeout is reported as such.

Not a test: a measurement (docs/engine.md quotes it). Needs an interpreter
that ships ``test.test_asyncio`` (``python -c "import test.test_asyncio"``);
Debian's need ``libpythonX.Y-testsuite``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]

#: The program both runs execute: one test module, with loop classes counted per test.
DRIVER = r'''
import asyncio, asyncio.base_events, json, sys, unittest

module, out = sys.argv[1], sys.argv[2]
made = []
original_init = asyncio.base_events.BaseEventLoop.__init__


def counting_init(self, *args, **kwargs):
    made.append(type(self))
    return original_init(self, *args, **kwargs)


asyncio.base_events.BaseEventLoop.__init__ = counting_init


class Counting(unittest.TextTestResult):
    on_step = with_loop = 0

    def startTest(self, test):
        made.clear()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        if made:
            Counting.with_loop += 1
            if any(any(k.__name__ == "StepLoop" for k in cls.__mro__) for cls in made):
                Counting.on_step += 1


suite = unittest.defaultTestLoader.loadTestsFromName(module)
runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=0, resultclass=Counting)
result = runner.run(suite)
with open(out, "w") as file:
    json.dump({"run": result.testsRun, "failed": len(result.failures), "errors": len(result.errors),
               "skipped": len(result.skipped), "with_loop": Counting.with_loop, "on_step": Counting.on_step}, file)
'''


def modules(python: str) -> List[str]:
    listing = subprocess.run(
        [python, "-c", "import pkgutil, test.test_asyncio as t; "
                       "print('\\n'.join(m.name for m in pkgutil.iter_modules(t.__path__) "
                       "if m.name.startswith('test_')))"],
        capture_output=True, text=True, check=True)
    return [f"test.test_asyncio.{name}" for name in listing.stdout.split()]


def run_module(argv: List[str], module: str, timeout: float) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        driver = Path(scratch) / "driver.py"
        driver.write_text(DRIVER)
        out = Path(scratch) / "out.json"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        started = time.monotonic()
        try:
            done = subprocess.run([*argv, str(driver), module, str(out)], cwd=scratch, env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"status": f"timeout ({timeout:.0f} s)"}
        elapsed = time.monotonic() - started
        if not out.exists():
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
            return {"status": f"no result (exit {done.returncode}): {tail[0][:80]}", "seconds": elapsed}
        return {**json.loads(out.read_text()), "status": "ok", "seconds": elapsed}


def main(args: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("module", nargs="*", help="e.g. test_futures2 (default: every module)")
    options = parser.parse_args(args)
    try:
        names = [name if "." in name else f"test.test_asyncio.{name}" for name in options.module] \
            or modules(options.python)
    except subprocess.CalledProcessError:
        print(f"{options.python} has no test.test_asyncio (Debian: install libpythonX.Y-testsuite)")
        return 2
    rows = []
    header = f"{'module':<22} {'python run/fail/err/skip':>25} {'corodbg run/fail/err/skip':>26} {'on step loop':>16}"
    print(header)
    print("-" * len(header))
    for module in names:
        plain = run_module([options.python], module, options.timeout)
        debugged = run_module([options.python, "-m", "corodbg", "--headless", "--strict"], module, options.timeout)
        rows.append({"module": module, "python": plain, "corodbg": debugged})
        print(f"{module.rsplit('.', 1)[-1]:<22} {_counts(plain):>25} {_counts(debugged):>26} {_share(debugged):>16}",
              flush=True)
    total = {key: sum(r["corodbg"].get(key, 0) for r in rows) for key in ("run", "with_loop", "on_step")}
    plain_bad = sum(r["python"].get("failed", 0) + r["python"].get("errors", 0) for r in rows)
    debugged_bad = sum(r["corodbg"].get("failed", 0) + r["corodbg"].get("errors", 0) for r in rows)
    print("-" * len(header))
    print(f"tests run under corodbg: {total['run']}; failed+errors: python {plain_bad}, corodbg {debugged_bad}; "
          f"made a loop: {total['with_loop']}; ran on the step loop: {total['on_step']} "
          f"({100 * total['on_step'] / max(total['with_loop'], 1):.0f}% of those that made a loop)")
    if options.json:
        Path(options.json).write_text(json.dumps({"python": sys.version, "rows": rows, "total": total}, indent=1))
    return 0


def _counts(result: Dict[str, Any]) -> str:
    if result.get("status") != "ok":
        return result.get("status", "?")[:25]
    return f"{result['run']}/{result['failed']}/{result['errors']}/{result['skipped']}"


def _share(result: Dict[str, Any]) -> str:
    if result.get("status") != "ok":
        return "-"
    return f"{result['on_step']}/{result['with_loop']}"


if __name__ == "__main__":
    sys.exit(main())
