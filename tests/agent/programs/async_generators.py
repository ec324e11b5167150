"""Async generators: async for, comprehension, asend/athrow, aclose, finalization by asyncio.run."""
import asyncio


async def count(n):
    try:
        for i in range(n):
            await asyncio.sleep(0)
            yield i
    finally:
        print(f"count({n}) finally")


async def echo():
    received = None
    while True:
        try:
            received = yield f"echo {received}"
        except KeyError:
            received = "caught KeyError"


async def main():
    async for i in count(3):
        print("for", i)
    print("comprehension", [i async for i in count(4) if i % 2 == 0])
    gen = count(10)
    print("anext", await gen.__anext__(), await gen.__anext__())
    await gen.aclose()
    print("closed")
    e = echo()
    print(await e.asend(None))
    print(await e.asend("hi"))
    print(await e.athrow(KeyError))
    await e.aclose()
    global left_open
    left_open = count(5)
    print("left open at", await left_open.__anext__())


asyncio.run(main())
print("after run")
