import asyncio
import sys


async def main():
    print("leaving with 3")
    sys.exit(3)


asyncio.run(main())
