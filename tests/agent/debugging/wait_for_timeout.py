import asyncio


async def slow():
    await asyncio.sleep(60)


async def main():
    try:
        await asyncio.wait_for(slow(), 0.5)
    except asyncio.TimeoutError:
        print("timed out")
    print("after")


asyncio.run(main())
