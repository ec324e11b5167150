"""asyncio.run: return values, a fresh loop each time, nested run refused."""
import asyncio

loops = []


async def main(n):
    loops.append(asyncio.get_running_loop())
    await asyncio.sleep(0.01)
    try:
        asyncio.run(asyncio.sleep(0))
    except RuntimeError as error:
        print("nested:", error)
    return n * 10


print(asyncio.run(main(1)))
print(asyncio.run(main(2)))
print("same loop twice:", loops[0] is loops[1])
print("closed:", [loop.is_closed() for loop in loops])
