"""An unhandled exception whose traceback holds an unawaited coroutine: python frees it at
shutdown, so its warning says ``sys:1`` (no corodbg line, no tracemalloc hint)."""
import asyncio


async def forgotten():
    pass


def main():
    coroutine = forgotten()
    raise ValueError("with a coroutine in the frame")


main()
