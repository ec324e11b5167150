"""Planted race: "surely it is loaded by now" -- a sleep instead of waiting for the loader."""
import asyncio

config = {}


async def load():
    await asyncio.sleep(0.1)          # reading the file takes about 0.1 s
    config["url"] = "https://example.org"


async def serve():
    await asyncio.sleep(0.15)         # surely loaded by now
    return config["url"]


async def main():
    loader = asyncio.create_task(load())
    print("serving", await serve())
    await loader


asyncio.run(main())
