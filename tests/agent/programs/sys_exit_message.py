"""sys.exit("message"): the message on stderr, exit status 1."""
import asyncio
import sys


async def main():
    await asyncio.sleep(0.01)
    return "bad config"


problem = asyncio.run(main())
print("checking")
sys.exit(f"fatal: {problem}")
