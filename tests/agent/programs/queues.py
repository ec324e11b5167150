"""Queue, LifoQueue, PriorityQueue; join/task_done; QueueFull/QueueEmpty."""
import asyncio


async def worker(queue, name):
    while True:
        item = await queue.get()
        print(name, "got", item)
        await asyncio.sleep(0.001)
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=2)
    workers = [asyncio.create_task(worker(queue, f"w{i}")) for i in range(2)]
    for item in range(5):
        await queue.put(item)
        print("put", item, "size", queue.qsize())
    await queue.join()
    print("joined")
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)

    lifo, prio = asyncio.LifoQueue(), asyncio.PriorityQueue()
    for x in (3, 1, 2):
        lifo.put_nowait(x)
        prio.put_nowait(x)
    print("lifo", [lifo.get_nowait() for _ in range(3)])
    print("prio", [prio.get_nowait() for _ in range(3)])
    small = asyncio.Queue(1)
    small.put_nowait("a")
    try:
        small.put_nowait("b")
    except asyncio.QueueFull:
        print("full")
    small.get_nowait()
    try:
        small.get_nowait()
    except asyncio.QueueEmpty:
        print("empty")


asyncio.run(main())
