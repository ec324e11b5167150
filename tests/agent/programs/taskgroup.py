"""TaskGroup (3.11+): waits for all; one failure cancels the others; ExceptionGroup."""
# requires: 3.11
import asyncio


async def job(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise
    if fail:
        raise ValueError(name)
    print(name, "done")
    return name


async def main():
    async with asyncio.TaskGroup() as group:
        a = group.create_task(job("a", 0.02))
        b = group.create_task(job("b", 0.01))
    print("results", a.result(), b.result())
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(job("c", 0.01, fail=True))
            group.create_task(job("d", 1))
            group.create_task(job("e", 0.005))
    except* ValueError as eg:
        print("caught", [repr(e) for e in eg.exceptions])


asyncio.run(main())
