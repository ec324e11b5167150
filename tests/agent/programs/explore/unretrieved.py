"""A task fails and nobody looks: asyncio's "Task exception was never retrieved"."""
import asyncio


async def fails():
    raise ValueError("nobody looked")


async def main():
    asyncio.get_running_loop().create_task(fails())
    await asyncio.sleep(0.1)


asyncio.run(main())
