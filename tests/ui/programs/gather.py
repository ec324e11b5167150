import asyncio


async def worker(name, delay):
    print(f'{name} starts')
    await asyncio.sleep(delay)
    print(f'{name} done after {delay}s')
    return name.upper()


async def main():
    results = await asyncio.gather(worker('a', 1), worker('b', 2), worker('c', 3))
    print('results:', results)


asyncio.run(main())
