import asyncio


async def producer(queue):
    await asyncio.sleep(1)
    await queue.put("from the producer")


async def main():
    queue = asyncio.Queue()
    asyncio.create_task(producer(queue))
    await asyncio.sleep(0)
    print("main got", await queue.get())


asyncio.run(main())
