"""os._exit inside a coroutine: flushed output survives, the status is kept."""
import asyncio
import os
import sys


async def main():
    print("flushed", flush=True)
    await asyncio.sleep(0)
    sys.stderr.write("to stderr\n")
    sys.stderr.flush()
    os._exit(4)


asyncio.run(main())
