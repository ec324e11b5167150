"""The fixed twin: after clear(), the consumer takes every item there is."""
import asyncio

event = asyncio.Event()
items = []
got = []


async def consumer():
    while len(got) < 2:
        await event.wait()
        event.clear()
        while items:
            got.append(items.pop(0))


async def producer():
    for item in ("a", "b"):
        items.append(item)
        event.set()
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(consumer(), producer())


asyncio.run(main())
print("got", got)
