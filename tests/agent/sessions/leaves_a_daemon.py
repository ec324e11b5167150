"""Starts a grandchild that keeps stdout/stderr open (and would keep any inheritable fd), then exits."""
import subprocess
import sys

subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], close_fds=False)
print("parent exits", flush=True)
