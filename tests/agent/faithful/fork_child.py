"""os.fork() inside a coroutine: the child runs on and exits on its own; the parent waits for it."""
import asyncio
import os
import sys


async def main():
    await asyncio.sleep(0)
    pid = os.fork()
    if pid == 0:
        print("child says hi", flush=True)
        sys.exit(5)  # unwinds through asyncio.run, as in the parent
    _, status = os.waitpid(pid, 0)
    print("child exited with", os.waitstatus_to_exitcode(status), flush=True)
    await asyncio.sleep(0)
    print("parent done")


asyncio.run(main())
