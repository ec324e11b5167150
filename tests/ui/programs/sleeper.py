import asyncio


async def nap(seconds):
    total = 0
    for i in range(3):
        await asyncio.sleep(seconds)
        total += seconds
        print(f'slept {total}s so far')
    return total


asyncio.run(nap(1.5))
