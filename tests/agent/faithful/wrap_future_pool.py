"""Awaits, with a timeout, work running in a concurrent.futures thread pool."""
import asyncio
import concurrent.futures
import time


def work():
    time.sleep(0.5)
    return "result"


async def main():
    with concurrent.futures.ThreadPoolExecutor() as pool:
        future = pool.submit(work)
        try:
            print(await asyncio.wait_for(asyncio.wrap_future(future), timeout=30))
        except asyncio.TimeoutError:
            print("timed out")


asyncio.run(main())
