"""A loop class of the program's own, made from asyncio.SelectorEventLoop."""
import asyncio


class MyLoop(asyncio.SelectorEventLoop):
    pass


async def main():
    await asyncio.sleep(0)
    print("ran on", type(asyncio.get_running_loop()).__name__)


loop = MyLoop()
loop.run_until_complete(main())
loop.close()
