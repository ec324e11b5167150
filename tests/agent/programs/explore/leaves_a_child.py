"""Forks a child that outlives the program by far (it inherits every open descriptor), then ends."""

import asyncio
import os
import sys
import time


async def main():
    await asyncio.sleep(0)
    if os.fork() == 0:
        time.sleep(float(sys.argv[1]))
        os._exit(0)
    await asyncio.sleep(0)


asyncio.run(main())
