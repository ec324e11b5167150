import asyncio


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = [1, 2]
        self.b = "two"


async def worker():
    config = {"name": "w", "points": [Point(1, 2), Point(3, 4)], "empty": []}
    many = list(range(500))
    slotted = Slotted()
    await asyncio.sleep(0)
    return config, many, slotted


asyncio.run(worker())
