"""new_event_loop + set_event_loop; two loops one after the other."""
import asyncio


async def which():
    await asyncio.sleep(0)
    return asyncio.get_running_loop() is loop


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
print("current is new:", asyncio.get_event_loop() is loop)
print("runs on it:", loop.run_until_complete(which()))
loop.close()

other = asyncio.new_event_loop()
print("distinct:", other is not loop)
try:
    print("on other:", other.run_until_complete(which()))
finally:
    other.close()
asyncio.set_event_loop(None)
try:
    loop.run_until_complete(which())
except RuntimeError as error:
    print("closed loop:", error)
