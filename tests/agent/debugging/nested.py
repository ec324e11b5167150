import asyncio


async def inner():
    x = 1
    await asyncio.sleep(0)
    y = 2
    return x + y


async def outer():
    a = await inner()
    b = a + 1
    return b


async def main():
    result = await outer()
    print(result)
    raise RuntimeError("boom")


asyncio.run(main())
