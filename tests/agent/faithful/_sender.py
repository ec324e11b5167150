"""Sends a signal to a process after a delay, from a grandchild: not a child of the receiver.

    python _sender.py PID SIGNUM DELAY
"""
import os
import sys
import time

pid, signum, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
if os.fork() == 0:
    time.sleep(delay)
    try:
        os.kill(pid, signum)
    except ProcessLookupError:  # the receiver is gone (it did not wait)
        pass
    os._exit(0)
os._exit(0)  # the receiver reaps this child at once; the grandchild is reparented
