"""os.fork() inside a coroutine: the child runs on and exits on its own; the parent waits for it."""
import asyncio
import os


async def main():
    await asyncio.sleep(0)
    pid = os.fork()
    if pid == 0:
        print("child says hi", flush=True)
        os._exit(5)  # (sys.exit would unwind into the inherited loop: 3.14 then hangs, under python too)
    _, status = os.waitpid(pid, 0)
    print("child exited with", os.waitstatus_to_exitcode(status), flush=True)
    await asyncio.sleep(0)
    print("parent done")


asyncio.run(main())
