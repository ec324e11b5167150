import asyncio


async def work():
    return 42


loop = asyncio.new_event_loop()
print(loop.run_until_complete(work()))
loop.close()
loop.close()  # closing twice is allowed
try:
    loop.run_until_complete(work())
except RuntimeError as error:
    print("RuntimeError:", error)
