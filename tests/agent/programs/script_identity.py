"""What the program sees of itself: sys.argv, __name__, __file__, sys.path[0], __main__."""
import asyncio
import os
import sys


async def main():
    return sys.modules["__main__"].__dict__.get("MARKER")


MARKER = "main module"
print("argv:", sys.argv)
print("name:", __name__)
print("file:", __file__)
print("path[0] is the script's directory:", sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
print("main module:", asyncio.run(main()))
print("spec:", __spec__)
