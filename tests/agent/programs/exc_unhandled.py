"""An unhandled exception in a coroutine: the traceback on stderr, exit status 1."""
import asyncio


async def inner():
    await asyncio.sleep(0)
    raise ValueError("something went wrong")


async def main():
    print("before")
    await inner()
    print("never")


asyncio.run(main())
