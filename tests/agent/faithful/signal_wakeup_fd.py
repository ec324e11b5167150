"""Waits for SIGUSR1 from another process with signal.signal, the handler waking the loop.

No timer at all: nothing in the loop can wake it, only the signal.
"""
import asyncio
import os
import signal
import subprocess
import sys


async def main():
    loop = asyncio.get_running_loop()
    got = loop.create_future()
    signal.signal(signal.SIGUSR1, lambda signum, frame: loop.call_soon_threadsafe(got.set_result, signum))
    subprocess.run([sys.executable, "_sender.py", str(os.getpid()), str(int(signal.SIGUSR1)), "0.5"], check=True)
    print("got", signal.Signals(await got).name)


asyncio.run(main())
