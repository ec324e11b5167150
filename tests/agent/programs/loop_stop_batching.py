"""call_soon(loop.stop): the batch that was ready still runs; what it schedules waits.

This is asyncio's documented behaviour: "If stop() is called before
run_forever() is called, the loop will poll the I/O selector once with a
timeout of zero, run all callbacks scheduled in response to I/O events (and
those that were already scheduled), and then exit."
"""
import asyncio

loop = asyncio.new_event_loop()
count = 0


def tick(name):
    global count
    count += 1
    print("tick", name, count)
    loop.call_soon(tick, name)


loop.call_soon(tick, "a")
loop.call_soon(loop.stop)
loop.call_soon(tick, "b")
loop.run_forever()
print("-- one batch ran")
loop.call_soon(loop.stop)
loop.run_forever()
print("-- another batch ran")
loop.stop()
loop.run_forever()
print("-- stop before run_forever: one more batch")


async def stopper():
    print("coroutine step 1")
    loop.stop()
    await asyncio.sleep(0)
    print("coroutine step 2")


task = loop.create_task(stopper())
loop.run_forever()
print("-- task done:", task.done())
loop.call_soon(loop.stop)
loop.run_forever()
print("-- task done:", task.done())
loop.close()
