import asyncio

counter = 0


async def worker(name):
    global counter
    value = counter
    await asyncio.sleep(0)
    counter = value + 1
    print(name, "wrote", counter)


async def main():
    await asyncio.gather(worker("a"), worker("b"))
    print("counter", counter)


asyncio.run(main())
