"""Asserts what a fresh python shows: the first tasks are Task-1 and Task-2."""

import asyncio


async def child():
    await asyncio.sleep(0)
    return asyncio.current_task().get_name()


async def main():
    assert asyncio.current_task().get_name() == "Task-1", asyncio.current_task().get_name()
    assert await asyncio.create_task(child()) == "Task-2"


asyncio.run(main())
