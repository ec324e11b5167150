"""State saved by an atexit handler, as programs save theirs: the check looks at it."""
import asyncio
import atexit

saved = False


def save():
    global saved
    saved = True


atexit.register(save)


async def main():
    await asyncio.sleep(0)


asyncio.run(main())
