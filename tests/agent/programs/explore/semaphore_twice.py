"""Planted race: a semaphore released twice (quick jobs release early, and again in finally)."""
import asyncio

pool = asyncio.Semaphore(1)
inside = set()


async def job(name, start, work):
    await asyncio.sleep(start)
    await pool.acquire()
    try:
        inside.add(name)
        assert len(inside) == 1, f"two jobs hold the one connection: {sorted(inside)}"
        await asyncio.sleep(work)
        inside.discard(name)
        if work < 0.05:
            pool.release()            # "quick jobs give the connection back early"
    finally:
        pool.release()


async def main():
    await asyncio.gather(job("quick", 0, 0.01), job("slow", 0, 0.1), job("late", 0.15, 0.1))


asyncio.run(main())
print("done")
