"""10,000 tasks that each sleep: a load test for the UI's panes (bench/ui_latency.py)."""

import asyncio

TASKS = 10_000


async def sleeper(n):
    await asyncio.sleep(1 + n % 10)
    return n


async def main():
    tasks = [asyncio.create_task(sleeper(n)) for n in range(TASKS)]
    done = await asyncio.gather(*tasks)
    print('all done:', len(done))


asyncio.run(main())
