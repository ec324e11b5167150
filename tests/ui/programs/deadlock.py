import asyncio


async def worker(name, first, second):
    async with first:
        print(f"{name}: holds its first lock")
        await asyncio.sleep(0)
        async with second:
            print(f"{name}: holds both (never printed)")


async def main():
    lock_a, lock_b = asyncio.Lock(), asyncio.Lock()
    await asyncio.gather(worker("left", lock_a, lock_b), worker("right", lock_b, lock_a))


asyncio.run(main())
