import asyncio
import types


async def double(n):
    await asyncio.sleep(0)
    return n * 2


async def catches():
    try:
        await failing_inner()
    except KeyError:
        pass
    return "caught"


async def failing_inner():
    await asyncio.sleep(0)
    raise KeyError("inner")


@types.coroutine
def old_style():
    yield
    return "generator-based"


async def direct_fail():
    await asyncio.sleep(0)
    raise ValueError("made without create_task")


async def main():
    loop = asyncio.get_running_loop()
    total = 0
    for n in range(50):  # the task's coroutine code, awaited directly too
        total += await double(n)
    tasks = [asyncio.create_task(double(21), name="double"),
             asyncio.create_task(catches(), name="catches"),
             asyncio.ensure_future(old_style()),
             asyncio.create_task(double(0), name="cancelled")]
    tasks[2].set_name("old_style")
    tasks[3].cancel()  # before its first step
    direct = asyncio.Task(direct_fail(), loop=loop, name="direct")
    await asyncio.gather(*tasks, return_exceptions=True)
    try:
        await direct
    except ValueError:
        pass
    print(total, [t.result() if not t.cancelled() else "cancelled" for t in tasks])


asyncio.run(main())
