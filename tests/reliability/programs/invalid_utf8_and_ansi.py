import asyncio
import sys


async def main():
    sys.stdout.write("\x1b[31mred\x1b[0m \x1b[2J\x1b[H cursor moves\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(b"bytes \xff\xfe not utf-8\n")
    sys.stdout.buffer.flush()
    print("x" * 200_000)  # one very long line
    print("after", file=sys.stderr)


asyncio.run(main())
