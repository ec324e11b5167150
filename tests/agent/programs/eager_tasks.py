"""The eager task factory (3.12+): a task's first step runs inside create_task."""
# requires: 3.12
import asyncio


async def child(name):
    print(name, "first step")
    await asyncio.sleep(0)
    print(name, "second step")
    return name


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    task = asyncio.create_task(child("eager"))
    print("created; done:", task.done())
    print(await task)
    done_at_once = asyncio.create_task(asyncio.sleep(0, result="x"))
    print("no-suspend task done at once:", done_at_once.done())


asyncio.run(main())
