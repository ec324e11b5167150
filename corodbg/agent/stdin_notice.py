"""Saying so when a program reads a stdin that is the null device (the UI's default).

In the UI the terminal belongs to corodbg, so the program's stdin is
``/dev/null`` unless ``corodbg --stdin FILE`` gives it one. A program that
calls ``input()`` then gets end-of-file, which looks like a bug in the program.
The first read tells the user why, in the Output pane, once; the program still
reads exactly what it would (end-of-file).

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

from typing import Any, Callable, TextIO

NOTICE = ("the program read stdin, which is the null device here (end of file); "
          "run corodbg --stdin FILE to give it input\n")


class NoticingStdin:
    """A stdin that calls ``notice`` on its first read, then behaves as the stream it wraps."""

    def __init__(self, stream: TextIO, notice: Callable[[], None]) -> None:
        self._stream = stream
        self._notice = notice
        self._noticed = False

    def _first_read(self) -> None:
        if not self._noticed:
            self._noticed = True
            self._notice()

    def read(self, *args: Any) -> str:
        self._first_read()
        return self._stream.read(*args)

    def readline(self, *args: Any) -> str:
        self._first_read()
        return self._stream.readline(*args)

    def readlines(self, *args: Any) -> list:
        self._first_read()
        return self._stream.readlines(*args)

    def __iter__(self) -> NoticingStdin:
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
