"""A task's exception nobody retrieves: python calls the handler as soon as the task is freed.

In debug mode too (asyncio.run(debug=True)), where the loop times each callback.
"""
import asyncio


def handler(loop, context):
    print("handler:", context["message"], type(context.get("exception")).__name__, flush=True)


async def fail():
    raise ValueError("boom")


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    task = asyncio.ensure_future(fail())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    del task
    print("after del", flush=True)
    await asyncio.sleep(0)
    print("end of main", flush=True)


for debug in (False, True):
    asyncio.run(main(), debug=debug)
    print("last line", flush=True)
