"""Runs on uvloop."""
import asyncio

import uvloop


async def main():
    await asyncio.sleep(0)
    print("done")


loop = uvloop.new_event_loop()
asyncio.set_event_loop(loop)
loop.run_until_complete(main())
loop.close()
