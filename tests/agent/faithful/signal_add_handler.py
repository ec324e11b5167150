"""Waits (with a timeout) for SIGUSR1 that another process sends: loop.add_signal_handler."""
import asyncio
import os
import signal
import subprocess
import sys


async def main():
    loop = asyncio.get_running_loop()
    got = loop.create_future()
    loop.add_signal_handler(signal.SIGUSR1, got.set_result, "SIGUSR1")
    subprocess.run([sys.executable, "_sender.py", str(os.getpid()), str(int(signal.SIGUSR1)), "0.5"], check=True)
    try:
        print("got", await asyncio.wait_for(got, timeout=60))
    except asyncio.TimeoutError:
        print("timed out")


asyncio.run(main())
