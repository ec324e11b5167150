"""anyio on asyncio: a task group, a memory object stream, cancellation scopes."""
import anyio


async def producer(send, count):
    async with send:
        for n in range(count):
            await send.send(n)
            await anyio.sleep(0.01)


async def consumer(name, receive, results):
    async with receive:
        async for item in receive:
            results.append((name, item))


async def main():
    send, receive = anyio.create_memory_object_stream(max_buffer_size=2)
    results = []
    async with anyio.create_task_group() as group:
        group.start_soon(producer, send, 5)
        group.start_soon(consumer, "a", receive, results)
    print(sorted(item for _, item in results))
    with anyio.move_on_after(0.5) as scope:
        await anyio.sleep(10)
    print("moved on:", scope.cancelled_caught)


anyio.run(main)
