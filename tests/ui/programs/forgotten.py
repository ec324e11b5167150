import asyncio
import gc


async def fail():
    raise ValueError("lost")


async def helper():
    return 1


async def main():
    asyncio.create_task(fail())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    helper()  # never awaited
    gc.collect()
    print("main: done")


asyncio.run(main())
