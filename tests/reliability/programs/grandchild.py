import asyncio


async def main():
    child = await asyncio.create_subprocess_exec("sleep", "60")
    print("grandchild", child.pid, flush=True)
    await child.wait()


asyncio.run(main())
