"""asyncio.to_thread: blocking functions in threads, results and exceptions."""
import asyncio
import threading
import time


def work(name, delay):
    time.sleep(delay)
    return f"{name} on main thread: {threading.current_thread() is threading.main_thread()}"


def fails():
    raise OSError("from a thread")


async def main():
    print(await asyncio.to_thread(work, "a", 0.01))
    print(await asyncio.gather(asyncio.to_thread(work, "b", 0.02), asyncio.to_thread(work, "c", 0.01)))
    try:
        await asyncio.to_thread(fails)
    except OSError as error:
        print("raised", error)


asyncio.run(main())
