"""A lost update that exits 0: only a --check on the final count sees it."""
import asyncio

counter = 0


async def add(start, times):
    global counter
    await asyncio.sleep(start)
    for _ in range(times):
        seen = counter
        await asyncio.sleep(0.01)
        counter = seen + 1


async def main():
    await asyncio.gather(add(0, 3), add(0.035, 1))


asyncio.run(main())
