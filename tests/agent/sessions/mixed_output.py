import asyncio
import sys


async def main():
    for i in range(3):
        print("out", i)
        print("err", i, file=sys.stderr)
        await asyncio.sleep(0)


asyncio.run(main())
