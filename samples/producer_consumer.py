# producer_consumer.py -- a bounded asyncio.Queue between a producer and a consumer.
#
# What to look at in corodbg (corodbg samples/producer_consumer.py):
#   - Press space (Send) repeatedly and watch the ready queue: the producer
#     puts items until the queue is full (maxsize=2), then suspends in
#     `await queue.put(...)` -- the Coroutines pane shows it awaiting a future
#     inside Queue.put. Only when the consumer takes an item does the producer
#     become ready again ("wake Task-2 producer()").
#   - The consumer is slower (it "works" 0.1 s per item), so the queue stays
#     full: the output alternates "consumed" / "produced" after the first two.
#   - Press s (Step) on the consumer to follow one item line by line; the
#     Frame pane shows `item` and `queue` (with its qsize).
#   - The None at the end is the sentinel that tells the consumer to stop.
import asyncio


async def producer(queue, count):
    for item in range(count):
        await queue.put(item)
        print(f"produced {item} (queue size {queue.qsize()})")
    await queue.put(None)
    print("producer done")


async def consumer(queue):
    total = 0
    while True:
        item = await queue.get()
        if item is None:
            break
        await asyncio.sleep(0.1)  # pretend to work on it
        total += item
        print(f"consumed {item}")
    print(f"consumer done, total {total}")
    return total


async def main():
    queue = asyncio.Queue(maxsize=2)
    _, total = await asyncio.gather(producer(queue, 5), consumer(queue))
    print("total:", total)


asyncio.run(main())
