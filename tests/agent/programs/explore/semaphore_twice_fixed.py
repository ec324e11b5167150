"""The fixed twin: the semaphore is released once, by the async with."""
import asyncio

pool = asyncio.Semaphore(1)
inside = set()


async def job(name, start, work):
    await asyncio.sleep(start)
    async with pool:
        inside.add(name)
        assert len(inside) == 1, f"two jobs hold the one connection: {sorted(inside)}"
        await asyncio.sleep(work)
        inside.discard(name)


async def main():
    await asyncio.gather(job("quick", 0, 0.01), job("slow", 0, 0.1), job("late", 0.15, 0.1))


asyncio.run(main())
print("done")
