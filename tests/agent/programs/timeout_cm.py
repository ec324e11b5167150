"""asyncio.timeout and timeout_at (3.11+): expiry, reschedule, a block that finishes in time."""
# requires: 3.11
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(1)
    except TimeoutError:
        print("timeout expired")
    async with asyncio.timeout(0.05) as cm:
        await asyncio.sleep(0.01)
        print("in time; expired:", cm.expired())
    try:
        async with asyncio.timeout(None) as cm:
            cm.reschedule(loop.time() + 0.02)
            await asyncio.sleep(1)
    except TimeoutError:
        print("rescheduled timeout expired")
    try:
        async with asyncio.timeout_at(loop.time() + 0.01):
            await asyncio.sleep(1)
    except TimeoutError:
        print("timeout_at expired")


asyncio.run(main())
