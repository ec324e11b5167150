"""Planted race: a lost wake-up around Event.clear() (the consumer takes one item per wake-up)."""
import asyncio

event = asyncio.Event()
items = []
got = []


async def consumer():
    while len(got) < 2:
        await event.wait()
        event.clear()
        got.append(items.pop(0))      # one item per wake-up: a second set() before clear() is lost


async def producer():
    for item in ("a", "b"):
        items.append(item)
        event.set()
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(consumer(), producer())


asyncio.run(main())
print("got", got)
