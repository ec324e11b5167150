"""gather: results in argument order, return_exceptions, and cancelling a gather."""
import asyncio


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    print("finished", name)
    if fail:
        raise ValueError(name)
    return name


async def main():
    print(await asyncio.gather(job("a", 0.03), job("b", 0.01), job("c", 0.02)))
    print(await asyncio.gather(job("d", 0.01, fail=True), job("e", 0.02), return_exceptions=True))
    try:
        await asyncio.gather(job("f", 0.01, fail=True), job("g", 0.005))
    except ValueError as error:
        print("gather raised", repr(error))
    await asyncio.sleep(0.02)
    group = asyncio.gather(job("h", 1), job("i", 1))
    await asyncio.sleep(0)
    group.cancel()
    try:
        await group
    except asyncio.CancelledError:
        print("gather cancelled")
    print(await asyncio.gather())


asyncio.run(main())
