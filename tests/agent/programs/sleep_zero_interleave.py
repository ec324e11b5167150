"""Round robin: tasks yielding with sleep(0) interleave in creation order."""
import asyncio


async def worker(name, steps):
    for i in range(steps):
        print(name, i)
        await asyncio.sleep(0)
    return name


async def main():
    print(await asyncio.gather(worker("a", 3), worker("b", 2), worker("c", 4)))


asyncio.run(main())
