"""sys.exit(3) inside a coroutine: the exit status is 3, nothing on stderr."""
import asyncio
import sys


async def main():
    print("exiting with 3")
    await asyncio.sleep(0)
    sys.exit(3)


try:
    asyncio.run(main())
finally:
    print("finally runs")
