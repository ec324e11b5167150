"""Cancellation: CancelledError in the task, cleanup, shield, cancel with a message."""
import asyncio


async def sleeper(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(name, "cleaning up")
        raise
    finally:
        print(name, "finally")


async def main():
    task = asyncio.create_task(sleeper("t1"))
    await asyncio.sleep(0.01)
    task.cancel("because")
    try:
        await task
    except asyncio.CancelledError:
        print("t1 cancelled:", task.cancelled())
    inner = asyncio.create_task(asyncio.sleep(0.02, result="shielded result"))
    outer = asyncio.create_task(asyncio.wait_for(asyncio.shield(inner), 0.01))
    try:
        await outer
    except asyncio.TimeoutError:
        print("outer timed out")
    print(await inner)


asyncio.run(main())
