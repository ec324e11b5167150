import asyncio
import os


async def main():
    print("leaving with 4", flush=True)
    os._exit(4)


asyncio.run(main())
