"""Programs on real libraries (aiohttp, httpx, anyio, aiosqlite, websockets) do under corodbg
exactly what they do under python: headless byte for byte, and in the UI's agent mode (a
Session, as the app drives it) the same output, stepped through and then continued.

The libraries come with the ``test`` extra, installed beside corodbg the way a user installs
them: a missing one fails here, it is not skipped.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from support import corodbg_env

from corodbg.agent.runner import Target
from corodbg.session import Session

LIBRARIES = Path(__file__).parent / "libraries"
PROGRAMS = sorted(path.name for path in LIBRARIES.glob("*.py"))
TIMEOUT = 60


def python(name: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, name], cwd=LIBRARIES, env=corodbg_env(), capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT)


@pytest.mark.parametrize("name", PROGRAMS)
def test_headless_gives_pythons_bytes(name: str) -> None:
    expected = python(name)
    assert expected.returncode == 0, expected.stderr.decode()  # the program itself works
    actual = subprocess.run([sys.executable, "-m", "corodbg", "--headless", name], cwd=LIBRARIES,
                            env=corodbg_env(), capture_output=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    assert (actual.stdout, actual.stderr, actual.returncode) == (expected.stdout, expected.stderr, 0)


async def _agent_run(name: str, commands: List[str]) -> Tuple[str, str, Dict[str, Any]]:
    """Run the program as the UI does, answering pauses with ``commands`` then continue."""
    session = Session(Target(name), cwd=str(LIBRARIES))
    await session.start()
    out: List[str] = []
    err: List[str] = []
    try:
        while True:
            event = await session.next_event()
            if event["event"] == "output":
                (out if event["stream"] == "stdout" else err).append(event["data"])
            elif event["event"] == "pause":
                await session.command(commands.pop(0) if commands else "continue")
            elif event["event"] == "terminated":
                return "".join(out), "".join(err), event
    finally:
        await session.close()


@pytest.mark.parametrize("name", PROGRAMS)
def test_agent_mode_gives_pythons_output_while_stepped(name: str) -> None:
    expected = python(name)
    out, err, end = asyncio.run(asyncio.wait_for(_agent_run(name, ["step"] * 5 + ["send"] * 5), TIMEOUT))
    assert out == expected.stdout.decode()
    assert err == expected.stderr.decode()
    assert end["exit_code"] == 0
