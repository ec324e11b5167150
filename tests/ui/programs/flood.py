import asyncio
import sys


async def main():
    for number in range(6000):
        print(f"line {number}")
    print("\x1b[32mgreen\x1b[0m and a very long line:", "y" * 200_000)
    sys.stdout.buffer.write(b"not utf-8: \xff\n")
    sys.stdout.buffer.flush()
    print("the end", file=sys.stderr)


asyncio.run(main())
