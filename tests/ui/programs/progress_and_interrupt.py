"""A carriage-return progress bar, then a KeyboardInterrupt in a task (python dies by SIGINT)."""
import asyncio
import sys


async def main():
    for percent in range(0, 101):
        sys.stdout.write(f"\rprogress {percent:3d}% " + "#" * (percent // 10))
    print()
    raise KeyboardInterrupt

asyncio.run(main())
