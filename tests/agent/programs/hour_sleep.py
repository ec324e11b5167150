"""An hour-long sleep, and loop.time() differences across sleeps and timers."""
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.sleep(3600)
    print("slept %.0f s" % (loop.time() - start))
    both = await asyncio.gather(asyncio.sleep(1800, result="half"), asyncio.sleep(60, result="minute"))
    print(both, "%.0f s" % (loop.time() - start))
    fut = loop.create_future()
    loop.call_at(start + 7200, fut.set_result, "two hours")
    print(await fut, "%.0f s" % (loop.time() - start))


asyncio.run(main())
