"""Saves its state at exit, as many programs do: the file named by argv[1] gets a line."""
import asyncio
import atexit
import sys


def save():
    with open(sys.argv[1], "a") as state:
        state.write("saved\n")


atexit.register(save)


async def main():
    await asyncio.sleep(0)
    print("working")


asyncio.run(main())
