"""run_in_executor: the default thread pool, a given pool, a process-free blocking call."""
import asyncio
import concurrent.futures
import time


def blocking(n):
    time.sleep(0.01)
    return n * 2


async def main():
    loop = asyncio.get_running_loop()
    print(await loop.run_in_executor(None, blocking, 21))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, blocking, i) for i in range(4)))
    print(results)
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    task = asyncio.create_task(ticker())
    print(await loop.run_in_executor(None, blocking, 5))
    task.cancel()
    print("ticked while waiting:", ticks > 0)


asyncio.run(main())
