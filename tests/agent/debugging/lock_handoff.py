import asyncio


async def a(lock):
    async with lock:
        await asyncio.sleep(0)
    print("a released")


async def b(lock):
    async with lock:
        print("b got it")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(a(lock), b(lock))


asyncio.run(main())
