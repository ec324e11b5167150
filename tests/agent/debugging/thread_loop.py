import asyncio
import threading


async def background():
    await asyncio.sleep(0)
    return "from the thread"


def in_thread(results):
    results.append(asyncio.run(background()))


async def main():
    results = []
    thread = threading.Thread(target=in_thread, args=(results,))
    thread.start()
    thread.join()
    await asyncio.sleep(0)
    print("thread said", results[0])
    await asyncio.sleep(0)
    print("done")


asyncio.run(main())
