import asyncio
import sys


async def main():
    line = sys.stdin.readline()
    print("read:", line.strip() or "(nothing: end of file)")


asyncio.run(main())
