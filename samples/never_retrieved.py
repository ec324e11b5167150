# never_retrieved.py -- a task fails and nobody looks at its exception.
#
# What to look at in corodbg (corodbg samples/never_retrieved.py):
#   - Press space (Send): main() creates the "fire and forget" task and moves
#     on without keeping a reference or awaiting it.
#   - Send again: the task raises. The Coroutines pane shows it finished with
#     ValueError -- corodbg reads the exception without "retrieving" it.
#   - When the last reference to the task goes away, asyncio logs "Task
#     exception was never retrieved" with the traceback on stderr. That is the
#     only trace of the failure: main() never knew.
#   - The fix: keep the task and await it (or add a done callback that calls
#     task.exception()).
import asyncio
import gc


async def fire_and_forget():
    await asyncio.sleep(0)
    raise ValueError("nobody will see this except the asyncio logger")


async def main():
    asyncio.create_task(fire_and_forget())  # the reference is dropped at once
    await asyncio.sleep(0.1)
    print("main: the task has failed by now; collecting it")
    gc.collect()  # the loop dropped its reference; the message is logged now
    print("main: done")


asyncio.run(main())
