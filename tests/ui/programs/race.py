import asyncio

counter = 0


async def increment(name, times):
    global counter
    for _ in range(times):
        value = counter
        await asyncio.sleep(0)
        counter = value + 1
        print(f"{name}: read {value}, wrote {counter}")


async def main():
    await asyncio.gather(increment("A", 3), increment("B", 3))
    print(f"counter = {counter}")


asyncio.run(main())
