import asyncio


async def ticker(n):
    total = 0
    for i in range(n):
        await asyncio.sleep(0)
        total += i
    return total


def make_adder(k):
    def add(x):
        return x + k
    return add


async def main():
    add = make_adder(1)
    print(add(1))
    print(await ticker(3))
    print(add(2))


asyncio.run(main())
print("after")
