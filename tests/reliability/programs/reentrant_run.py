import asyncio


async def inner():
    return 1


async def outer():
    loop = asyncio.get_running_loop()
    coro = inner()
    try:
        loop.run_until_complete(coro)
    except RuntimeError as error:
        print("RuntimeError:", error)
    finally:
        coro.close()
    try:
        asyncio.run(inner())
    except RuntimeError as error:
        print("RuntimeError:", error)


asyncio.run(outer())
