import asyncio
import gc


async def child(n):
    await asyncio.sleep(0)
    return n * 10


async def main():
    total = 0
    for n in range(3):
        total += await asyncio.create_task(child(n))
    gc.collect()  # the finished tasks are garbage now
    await asyncio.sleep(0)
    print(total)


asyncio.run(main())
