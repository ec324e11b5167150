"""get_event_loop() + run_until_complete, twice on the same loop."""
import asyncio


async def add(a, b):
    await asyncio.sleep(0)
    return a + b


loop = asyncio.get_event_loop()
print("running:", loop.is_running())
print("first:", loop.run_until_complete(add(1, 2)))
print("second:", loop.run_until_complete(add(3, 4)))
future = loop.create_future()
loop.call_soon(future.set_result, "from a callback")
print("future:", loop.run_until_complete(future))
print("closed before:", loop.is_closed())
loop.close()
print("closed after:", loop.is_closed())
