"""The fixed twin of executor_order.py: results taken in the order asked (gather's), not the order they end."""
import asyncio
import time


async def fetch(name, seconds):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, time.sleep, seconds)   # a disk or network read in a thread
    return name


async def main():
    arrived = await asyncio.gather(fetch("config", 0.002), fetch("data", 0.006))
    assert arrived[0] == "config", "data arrived before the config it needs"
    print("arrived:", ", ".join(arrived))


asyncio.run(main())
