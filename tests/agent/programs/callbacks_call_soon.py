"""call_soon: FIFO order, arguments, cancelling a handle, a callback that raises."""
import asyncio


def say(*words):
    print("say", *words)


def broken():
    raise ZeroDivisionError("in a callback")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(say, 1)
    handle = loop.call_soon(say, "cancelled")
    loop.call_soon(say, 2, "two")
    handle.cancel()
    loop.call_soon(broken)
    loop.call_soon(say, 3)
    print("scheduled; handle cancelled:", handle.cancelled())
    await asyncio.sleep(0)
    print("after one yield")
    await asyncio.sleep(0)
    print("end")


asyncio.run(main())
