"""asyncio.Lock: mutual exclusion, FIFO order of waiters, locked()."""
import asyncio


async def worker(lock, name):
    async with lock:
        print(name, "has the lock")
        await asyncio.sleep(0.001)
        print(name, "releases")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(worker(lock, f"w{i}") for i in range(3)))
    await lock.acquire()
    print("locked:", lock.locked())
    lock.release()
    print("locked:", lock.locked())
    try:
        lock.release()
    except RuntimeError as error:
        print("error:", error)


asyncio.run(main())
