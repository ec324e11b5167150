"""The screen as a user sees it, in a real terminal (tmux): key to settled screen, and a flood.

Two figures, each against a floor measured in the same run:

1. **A step key to a settled screen** on ``samples/chain.py``: ``s`` is sent
   with ``tmux send-keys``, then the pane is captured every few milliseconds
   until it has stopped changing for ``--quiet`` ms; the figure is the time from
   the key to the last change. The floor: a Textual app that only counts key
   presses, measured the same way in the same tmux.
2. **A million output lines**: the time until the last line shows, for
   ``corodbg`` (its Output pane) against ``python`` printing to the same tmux.

    python bench/tmux_screen.py [--presses N] [--lines N] [--quiet MS]

Needs tmux. Not a test: figures (docs/performance.md quotes them).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List

from _common import ROOT, header, report

SESSION = "corodbg-bench"
SIZE = ("120", "40")

COUNTER_APP = '''
from textual.app import App
from textual.widgets import Static

class Counter(App):
    def compose(self):
        yield Static("presses: 0", id="n")
    def on_key(self, event):
        self.count = getattr(self, "count", 0) + 1
        self.query_one("#n").update(f"presses: {self.count}")

Counter().run()
'''

FLOOD = "import sys\nfor i in range({n}):\n    print('line', i)\nprint('THE END')\n"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def start(command: str) -> None:
    tmux("kill-session", "-t", SESSION)
    tmux("new-session", "-d", "-s", SESSION, "-x", SIZE[0], "-y", SIZE[1], command)


def capture() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(predicate: Callable[[str], bool], timeout: float = 600.0) -> float:
    """Seconds until the captured screen satisfies ``predicate``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if predicate(capture()):
            return time.perf_counter() - started
        time.sleep(0.002)
    raise SystemExit("timed out waiting for the screen")


def settle_after_key(key: str, quiet: float) -> float:
    """Send ``key``; seconds from the key to the screen's last change (stable for ``quiet`` s)."""
    before = capture()
    sent = time.perf_counter()
    tmux("send-keys", "-t", SESSION, key)
    last_change, screen = sent, before
    while True:
        now = capture()
        stamp = time.perf_counter()
        if now != screen:
            screen, last_change = now, stamp
        elif stamp - last_change >= quiet and screen != before:
            return last_change - sent
        if stamp - sent > 10:
            return last_change - sent
        time.sleep(0.001)


def key_latency(command: str, ready: str, key: str, presses: int, quiet: float, reset: str = "") -> List[float]:
    start(command)
    wait_for(lambda screen: ready in screen, 60)
    time.sleep(0.5)
    times = []
    for _ in range(presses):
        times.append(settle_after_key(key, quiet))
        if reset:
            tmux("send-keys", "-t", SESSION, reset)
            wait_for(lambda screen: ready in screen, 60)
            time.sleep(0.3)
    tmux("kill-session", "-t", SESSION)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--quiet", type=float, default=150, help="ms without change that count as settled")
    options = parser.parse_args()
    quiet = options.quiet / 1000
    header("bench/tmux_screen.py")
    python = shlex.quote(sys.executable)
    with tempfile.TemporaryDirectory(prefix="corodbg-bench-") as folder:
        counter = Path(folder) / "counter.py"
        counter.write_text(COUNTER_APP)
        floor = key_latency(f"{python} {counter}", "presses:", "x", options.presses, quiet)
        # r restarts the program: every press of s is the first step from the start pause.
        steps = key_latency(f"cd {shlex.quote(str(ROOT))} && {python} -m corodbg samples/chain.py",
                            "paused (start)", "s", options.presses, quiet, reset="r")
        report(f"key s -> settled screen, chain.py (median of {options.presses})", statistics.median(steps),
               "a Textual app counting keys", statistics.median(floor), unit="ms",
               max_value=statistics.median(floor) + 0.015)

        flood = Path(folder) / "flood.py"
        flood.write_text(FLOOD.format(n=options.lines))
        # From the launch to the last line on screen (the program has no event loop: nothing pauses).
        start(f"{python} {flood}; sleep 600")
        plain = wait_for(lambda screen: "THE END" in screen)
        start(f"{python} -m corodbg {flood}")
        shown = wait_for(lambda screen: "THE END" in screen)
        tmux("kill-session", "-t", SESSION)
        report(f"{options.lines:,} output lines, last one on screen", shown, "python in the same tmux", plain,
               max_ratio=2.0)


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm-256color")
    main()
