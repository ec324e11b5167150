"""run_forever stopped from a coroutine and from a timer; run_until_complete afterwards."""
import asyncio


async def worker(loop):
    for i in range(3):
        print("work", i)
        await asyncio.sleep(0.01)
    loop.stop()
    print("asked to stop")


loop = asyncio.new_event_loop()
task = loop.create_task(worker(loop))
loop.run_forever()
print("stopped; task done:", task.done())

loop.call_later(0.02, loop.stop)
loop.call_later(0.01, print, "timer before the stop")
loop.run_forever()
print("stopped again")

print("then:", loop.run_until_complete(asyncio.sleep(0.01, result="done")))
loop.close()
