"""An executor job that waits for one of the loop's timers: the held clock must let go, not hang."""
import asyncio
import threading

ready = threading.Event()


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(0.05, ready.set)             # the job below waits for this timer
    await loop.run_in_executor(None, ready.wait)
    print("job done")


asyncio.run(main())
