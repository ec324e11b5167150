"""A coroutine stuck in a blocking call: pause cannot stop it, but must show where it is."""
import asyncio
import time


async def nap():
    print("sleeping", flush=True)
    time.sleep(120)


asyncio.run(nap())
