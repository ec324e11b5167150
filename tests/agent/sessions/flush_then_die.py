"""A flushed line, then death: by SIGKILL (argv[1] == "kill") or a segfault with faulthandler."""
import faulthandler
import os
import signal
import sys

print("flushed before dying", flush=True)
if sys.argv[1:] == ["kill"]:
    os.kill(os.getpid(), signal.SIGKILL)
faulthandler.enable()
import ctypes
ctypes.string_at(0)
