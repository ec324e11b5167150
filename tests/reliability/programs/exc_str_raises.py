"""An exception whose __str__ raises: python prints "<exception str() failed>"; so must corodbg."""
import asyncio


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")


async def main():
    raise Unprintable()


asyncio.run(main())
