"""call_soon_threadsafe and run_coroutine_threadsafe from another thread."""
import asyncio
import threading


async def double(x):
    await asyncio.sleep(0.01)
    return x * 2


def thread_main(loop, future):
    loop.call_soon_threadsafe(print, "callback from the thread")
    result = asyncio.run_coroutine_threadsafe(double(21), loop).result(timeout=5)
    loop.call_soon_threadsafe(future.set_result, result)


async def main():
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    thread = threading.Thread(target=thread_main, args=(loop, future))
    thread.start()
    print("thread result:", await future)
    thread.join()
    print("joined")


asyncio.run(main())
