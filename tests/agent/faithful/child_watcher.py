"""A child process watched by a SIGCHLD-based child watcher (as test_asyncio's test_subprocess does)."""
import asyncio
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)


async def main():
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "import time; time.sleep(0.5)")
    try:
        print("exit", await asyncio.wait_for(proc.wait(), timeout=60))
    except asyncio.TimeoutError:
        print("timed out")


if hasattr(asyncio, "SafeChildWatcher"):  # gone in 3.14: there the default watcher is used
    watcher = asyncio.SafeChildWatcher()
    loop = asyncio.new_event_loop()
    watcher.attach_loop(loop)
    asyncio.set_child_watcher(watcher)
    loop.run_until_complete(main())
    watcher.close()
    loop.close()
else:
    asyncio.run(main())
