import asyncio


async def fail(n):
    await asyncio.sleep(0.1)
    bad = n * 2
    raise ValueError(f"bad value {bad}")


async def main():
    task = asyncio.create_task(fail(21))
    await asyncio.sleep(1)
    print("main done")


asyncio.run(main())
