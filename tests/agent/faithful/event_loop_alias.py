"""asyncio.EventLoop (3.13+: the platform's loop class), made by the program itself."""
import asyncio


async def main():
    await asyncio.sleep(0)
    print("done")


loop = getattr(asyncio, "EventLoop", asyncio.SelectorEventLoop)()  # (3.12 and older: the same class)
loop.run_until_complete(main())
loop.close()
