import asyncio
import os
import signal
import sys


async def main():
    print("about to be killed", flush=True)
    await asyncio.sleep(0)
    os.kill(os.getpid(), signal.SIGKILL)


asyncio.run(main())
sys.exit("not reached")
