import asyncio
import time


class Raises:
    def __repr__(self):
        raise ValueError("no repr for you")


class Slow:
    def __repr__(self):
        time.sleep(5)
        return "slow"


class Huge:
    def __repr__(self):
        return "h" * 5_000_000


async def main():
    raises = Raises()
    slow = Slow()
    huge = Huge()
    fine = [1, 2, 3]
    await asyncio.sleep(0)
    print("done", len([raises, slow, huge, fine]))


asyncio.run(main())
