"""A coroutine that never yields: the debugger must still be able to pause it."""
import asyncio
import subprocess
import sys


async def spin():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    print("child", child.pid, flush=True)
    n = 0
    while True:
        n += 1


asyncio.run(spin())
