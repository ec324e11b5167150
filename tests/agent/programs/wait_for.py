"""wait_for: in time, timed out (the inner task is cancelled), and timeout=None."""
import asyncio


async def job(delay):
    try:
        await asyncio.sleep(delay)
        return f"slept {delay}"
    except asyncio.CancelledError:
        print(f"job({delay}) cancelled")
        raise


async def main():
    print(await asyncio.wait_for(job(0.01), timeout=0.05))
    try:
        await asyncio.wait_for(job(10), timeout=0.01)
    except asyncio.TimeoutError:
        print("timed out")
    print(await asyncio.wait_for(job(0.01), timeout=None))
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_later(0.01, done.set_result, "future in time")
    print(await asyncio.wait_for(done, 1))


asyncio.run(main())
