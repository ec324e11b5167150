"""KeyboardInterrupt raised inside a task escapes the loop: traceback, killed by SIGINT."""
import asyncio


async def main():
    await asyncio.sleep(0)
    print("interrupting")
    raise KeyboardInterrupt


asyncio.run(main())
