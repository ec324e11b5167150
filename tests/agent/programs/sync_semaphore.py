"""Semaphore limits concurrency; BoundedSemaphore refuses an extra release."""
import asyncio

active = 0
peak = 0


async def job(sem, n):
    global active, peak
    async with sem:
        active += 1
        peak = max(peak, active)
        print("start", n, "active", active)
        for _ in range(n % 3 + 1):
            await asyncio.sleep(0)
        active -= 1
        print("end", n)


async def main():
    sem = asyncio.Semaphore(2)
    await asyncio.gather(*(job(sem, n) for n in range(5)))
    print("peak", peak)
    bounded = asyncio.BoundedSemaphore(1)
    async with bounded:
        print("locked:", bounded.locked())
    try:
        bounded.release()
    except ValueError as error:
        print("error:", error)


asyncio.run(main())
