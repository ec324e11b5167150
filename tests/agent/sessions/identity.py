"""What the program sees of its process: python's sys.orig_argv, no inheritable fd beyond 0-2."""
import os
import sys

inheritable = [int(fd) for fd in os.listdir("/proc/self/fd")
               if int(fd) > 2 and os.path.exists(f"/proc/self/fd/{fd}") and os.get_inheritable(int(fd))]
print(sys.orig_argv[1:], sys.argv, inheritable)
try:
    import rich  # installed beside corodbg (a textual dependency): importable as under python
except ImportError:  # a venv without the UI's dependencies (the engine-only CI runs)
    rich = None
print(rich is not None, sys.path[0] == os.path.dirname(os.path.realpath(__file__)))
