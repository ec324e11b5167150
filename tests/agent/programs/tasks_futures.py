"""Tasks and futures: create_task, names, done callbacks, results, cancel, current_task."""
import asyncio


async def child(n):
    me = asyncio.current_task()
    print("child", n, "is", me.get_name())
    await asyncio.sleep(0.001 * n)
    return n * n


async def main():
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    future.add_done_callback(lambda f: print("callback saw", f.result()))
    loop.call_soon(future.set_result, 42)
    print("future result", await future)

    tasks = [asyncio.create_task(child(i), name=f"child-{i}") for i in range(3)]
    print("pending", sum(not t.done() for t in tasks))
    for task in tasks:
        print(task.get_name(), await task)

    slow = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    slow.cancel()
    try:
        await slow
    except asyncio.CancelledError:
        print("slow cancelled:", slow.cancelled())

    failed = loop.create_future()
    failed.set_exception(KeyError("k"))
    try:
        await failed
    except KeyError as error:
        print("future raised", repr(error))
    print("all tasks now", len(asyncio.all_tasks()))
    print("default name:", asyncio.create_task(asyncio.sleep(0)).get_name())
    print(repr(asyncio.ensure_future(child(9))))


asyncio.run(main())
