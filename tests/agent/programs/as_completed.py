"""as_completed: results in completion order, and its timeout."""
import asyncio


async def job(name, delay):
    await asyncio.sleep(delay)
    return name


async def main():
    for future in asyncio.as_completed([job("slow", 0.03), job("fast", 0.01), job("mid", 0.02)]):
        print("got", await future)
    try:
        for future in asyncio.as_completed([job("quick", 0.01), job("late", 1)], timeout=0.05):
            print("got", await future)
    except asyncio.TimeoutError:
        print("as_completed timed out")


asyncio.run(main())
