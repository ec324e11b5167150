import asyncio


async def main():
    lock = asyncio.Lock()
    event = asyncio.Event()

    async def a():
        async with lock:
            await event.wait()

    async def b():
        await asyncio.sleep(0.1)
        async with lock:
            event.set()

    await asyncio.gather(a(), b())


asyncio.run(main())
