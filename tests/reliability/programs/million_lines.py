import asyncio
import sys


async def main():
    write = sys.stdout.write
    for number in range(1_000_000):
        write(f"{number}\n")
        if number % 100_000 == 0:
            await asyncio.sleep(0)
    print("last line")


asyncio.run(main())
