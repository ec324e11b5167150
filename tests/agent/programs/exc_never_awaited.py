"""A coroutine never awaited: RuntimeWarning on stderr; exception in a done callback."""
import asyncio


async def forgotten():
    print("never runs")


def bad_callback(future):
    raise LookupError("in a done callback")


async def main():
    forgotten()
    future = asyncio.get_running_loop().create_future()
    future.add_done_callback(bad_callback)
    future.set_result(1)
    await asyncio.sleep(0)
    print("still running")


asyncio.run(main())
