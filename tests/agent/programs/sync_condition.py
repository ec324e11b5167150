"""asyncio.Condition: notify one, notify_all, wait_for a predicate."""
import asyncio

items = []


async def consumer(cond, name):
    async with cond:
        await cond.wait_for(lambda: items)
        print(name, "took", items.pop(0))


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(consumer(cond, f"c{i}")) for i in range(3)]
    await asyncio.sleep(0)
    async with cond:
        items.append(1)
        cond.notify(1)
    await asyncio.sleep(0.01)
    async with cond:
        items.extend([2, 3])
        cond.notify_all()
    await asyncio.gather(*tasks)
    print("left", items)


asyncio.run(main())
