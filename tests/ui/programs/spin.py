import asyncio


async def spin():
    n = 0
    while True:
        n += 1
        if n % 1000 == 0:
            print('tick', n)
        await asyncio.sleep(0.01)


asyncio.run(spin())
