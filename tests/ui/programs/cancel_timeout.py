# cancel_timeout.py -- cancellation, and a timeout with asyncio.wait_for.
#
# What to look at in corodbg (corodbg samples/cancel_timeout.py):
#   - Part 1: main() cancels the "download" task. Press space (Send) until
#     the ready queue shows "throw CancelledError into Task-2": the next Send
#     runs the task with a CancelledError raised at its `await`. Step (s)
#     through its `except asyncio.CancelledError` and `finally` blocks.
#   - Part 2: wait_for gives "slow query" 0.5 s. The virtual clock jumps to
#     t=0.5 (no wall time passes), the timeout fires, wait_for cancels the
#     inner task (its cleanup prints) and raises TimeoutError in main().
#   - Part 3: a task that finishes in time: wait_for returns its result.
import asyncio


async def work(name, seconds):
    print(f"{name}: started")
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"{name}: cancelled, cleaning up")
        raise  # re-raise: the task really ends cancelled
    finally:
        print(f"{name}: finally")
    print(f"{name}: finished")
    return f"{name} result"


async def main():
    task = asyncio.create_task(work("download", 10))
    await asyncio.sleep(0.1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("main: download was cancelled:", task.cancelled())

    try:
        await asyncio.wait_for(work("slow query", 60), timeout=0.5)
    except asyncio.TimeoutError:
        print("main: slow query timed out")

    result = await asyncio.wait_for(work("fast query", 0.1), timeout=0.5)
    print("main: got", result)


asyncio.run(main())
