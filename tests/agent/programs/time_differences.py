"""loop.time() differences for short sleeps: virtual under corodbg, real under python."""
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    for delay in (0.01, 0.02, 0.05):
        before = loop.time()
        await asyncio.sleep(delay)
        print("slept >= %.2f: %s" % (delay, loop.time() - before >= delay - 0.001))
    print("total about %.1f" % (loop.time() - start))


asyncio.run(main())
