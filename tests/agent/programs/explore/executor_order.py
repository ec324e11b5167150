"""Planted race: two thread-pool jobs, and the code assumes the quick one always ends first."""
import asyncio
import time

arrived = []


async def fetch(name, seconds):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, time.sleep, seconds)   # a disk or network read in a thread
    arrived.append(name)


async def main():
    await asyncio.gather(fetch("config", 0.002), fetch("data", 0.006))
    assert arrived[0] == "config", "data arrived before the config it needs"
    print("arrived:", ", ".join(arrived))


asyncio.run(main())
