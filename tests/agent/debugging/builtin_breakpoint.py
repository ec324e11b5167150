import asyncio


async def count(n):
    for i in range(n):
        await asyncio.sleep(0)
        breakpoint()
        print(i)


asyncio.run(count(3))
