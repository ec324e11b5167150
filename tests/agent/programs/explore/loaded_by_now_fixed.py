"""The fixed twin: wait for the loader itself, however long it takes."""
import asyncio

config = {}


async def load():
    await asyncio.sleep(0.1)
    config["url"] = "https://example.org"


async def serve(loader):
    await asyncio.sleep(0.15)
    await loader
    return config["url"]


async def main():
    loader = asyncio.create_task(load())
    print("serving", await serve(loader))


asyncio.run(main())
