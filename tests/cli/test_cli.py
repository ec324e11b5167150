"""The ``corodbg`` command line: bad input gets one ``corodbg:`` line and exit status 2.

Runs ``python -m corodbg`` in a subprocess, so what is checked is what a user
sees in a terminal: never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
from support import corodbg_env


def corodbg(args: List[str], cwd: Path, extra_path: str = "") -> subprocess.CompletedProcess:
    environment = corodbg_env(*([extra_path] if extra_path else []))
    return subprocess.run([sys.executable, "-m", "corodbg", *args], cwd=cwd, env=environment,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)


def assert_usage_error(result: subprocess.CompletedProcess) -> str:
    """Exit 2, nothing on stdout, exactly one ``corodbg:`` line on stderr; returns that line."""
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert b"Traceback" not in result.stdout + result.stderr
    assert result.stdout == b""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("corodbg: ")
    return lines[0]


@pytest.fixture
def binary_file(tmp_path: Path) -> Path:
    path = tmp_path / "program.pyc"
    path.write_bytes(b"\x6f\x0d\x0d\x0a\x00\x00\x00\x00" + bytes(range(256)))
    return path


@pytest.mark.parametrize("args, mentions", [
    pytest.param(["--headless", "no_such_script.py"], "no_such_script.py", id="missing-script"),
    pytest.param(["--headless", "."], ".", id="directory"),
    pytest.param(["--headless", "--frobnicate", "x.py"], "--frobnicate", id="unknown-option"),
    pytest.param([], "script", id="no-arguments"),
    pytest.param(["--headless"], "script", id="no-script"),
    pytest.param(["--headless", "-c"], "-c", id="option-without-value"),
])
def test_usage_errors(tmp_path: Path, args: List[str], mentions: str) -> None:
    line = assert_usage_error(corodbg(args, tmp_path))
    assert mentions in line


def test_binary_file(tmp_path: Path, binary_file: Path) -> None:
    line = assert_usage_error(corodbg(["--headless", binary_file.name], tmp_path))
    assert binary_file.name in line


def test_binary_file_without_headless(tmp_path: Path, binary_file: Path) -> None:
    """The check comes before the UI is started (or found missing)."""
    assert_usage_error(corodbg([binary_file.name], tmp_path))


def test_trace_into_a_missing_directory(tmp_path: Path) -> None:
    script = tmp_path / "ok.py"
    script.write_text("print('ok')\n")
    assert_usage_error(corodbg(["--headless", "--trace", "nowhere/t.jsonl", "ok.py"], tmp_path))


def test_help(tmp_path: Path) -> None:
    result = corodbg(["--help"], tmp_path)
    assert result.returncode == 0
    assert b"usage: corodbg" in result.stdout
    assert result.stderr == b""


def test_version(tmp_path: Path) -> None:
    result = corodbg(["--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(b"corodbg ")


def test_module_runs(tmp_path: Path) -> None:
    package = tmp_path / "lib" / "mypkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "tool.py").write_text(
        "import asyncio, sys\n"
        "async def main():\n"
        "    await asyncio.sleep(5)\n"
        "    return __name__\n"
        "print(asyncio.run(main()), sys.argv[1:])\n"
        "sys.exit(7)\n")
    (package / "__main__.py").write_text("import asyncio\nprint(asyncio.run(asyncio.sleep(0, 'pkg main')))\n")
    lib = str(tmp_path / "lib")
    result = corodbg(["--headless", "-m", "mypkg.tool", "a", "--b"], tmp_path, extra_path=lib)
    assert (result.stdout, result.stderr, result.returncode) == (b"__main__ ['a', '--b']\n", b"", 7)
    result = corodbg(["--headless", "-m", "mypkg"], tmp_path, extra_path=lib)
    assert (result.stdout, result.stderr, result.returncode) == (b"pkg main\n", b"", 0)


def test_script_arguments_are_passed_through(tmp_path: Path) -> None:
    (tmp_path / "args.py").write_text("import sys\nprint(sys.argv[1:])\n")
    result = corodbg(["--headless", "args.py", "-c", "step", "--headless"], tmp_path)
    assert (result.stdout, result.returncode) == (b"['-c', 'step', '--headless']\n", 0)


def test_a_script_run_through_a_symlink_imports_its_siblings(tmp_path: Path) -> None:
    """python puts the script's resolved folder on sys.path[0] (~/bin/tool -> src/tool/main.py)."""
    source = tmp_path / "src" / "tool"
    source.mkdir(parents=True)
    (source / "main.py").write_text("import helper\nprint(helper.WHERE, __file__.endswith('bin/tool'))\n")
    (source / "helper.py").write_text("WHERE = 'sibling'\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "tool").symlink_to(source / "main.py")
    result = corodbg(["--headless", "bin/tool"], tmp_path)
    assert (result.stdout, result.stderr, result.returncode) == (b"sibling True\n", b"", 0)


@pytest.mark.parametrize("module", ["no_such_module_xyz", "no_such_package_xyz.sub"])
def test_a_missing_module_is_reported_as_python_does(tmp_path: Path, module: str) -> None:
    """``python -m X``: "/path/python: No module named X", exit 1 -- found (or not) where python looks."""
    expected = subprocess.run([sys.executable, "-m", module], cwd=tmp_path, capture_output=True, timeout=60)
    result = corodbg(["--headless", "-m", module], tmp_path)
    assert (result.stdout, result.stderr, result.returncode) == (expected.stdout, expected.stderr, expected.returncode)
    assert result.returncode == 1 and b"No module named" in result.stderr


def _package(folder: Path, init: str = "") -> None:
    package = folder / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(init)
    (package / "__main__.py").write_text("import asyncio, sys\n"
                                         "print(asyncio.run(asyncio.sleep(0, 'pkg ran')), sys.argv[1:])\n")


def test_dash_m_finds_a_package_in_the_working_directory(tmp_path: Path) -> None:
    """The working directory is first on sys.path for ``-m`` (python's rule), in the UI's agent too."""
    _package(tmp_path)
    expected = subprocess.run([sys.executable, "-m", "pkg", "x"], cwd=tmp_path, capture_output=True, timeout=60)
    result = corodbg(["--headless", "-m", "pkg", "x"], tmp_path)
    assert (result.stdout, result.stderr, result.returncode) == (expected.stdout, expected.stderr, expected.returncode)
    assert result.stdout == b"pkg ran ['x']\n"


@pytest.mark.parametrize("error", ["ValueError('broken package')", "RuntimeError('broken package')"])
def test_a_package_whose_init_raises_fails_as_under_python(tmp_path: Path, error: str) -> None:
    """The program's import error is the program's: python's message or traceback, never corodbg's frames."""
    _package(tmp_path, f"raise {error}\n")
    expected = subprocess.run([sys.executable, "-m", "pkg"], cwd=tmp_path, capture_output=True, timeout=60)
    result = corodbg(["--headless", "-m", "pkg"], tmp_path)
    assert (result.stdout, result.stderr, result.returncode) == (expected.stdout, expected.stderr, expected.returncode)
    assert b"corodbg" not in result.stderr
