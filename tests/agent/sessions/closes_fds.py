"""A daemon-style program: closes every inherited fd above 2, then runs on."""
import asyncio
import os

os.closerange(3, 4096)
log = open(os.devnull, "w")  # takes the lowest free number: one corodbg's channel had


async def main():
    await asyncio.sleep(1)
    print("done after closing", flush=True)

asyncio.run(main())
