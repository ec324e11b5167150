# lost_update_fixed.py -- the race of lost_update.py, fixed with an asyncio.Lock.
#
# What to look at in corodbg (corodbg samples/lost_update_fixed.py):
#   - Press space (Send) repeatedly. When task A holds the lock and suspends
#     at `await asyncio.sleep(0)`, task B becomes ready, runs, and suspends
#     again at once in `async with lock` -- the Coroutines pane shows it
#     awaiting the lock's future. Only A's release makes B ready again.
#   - Every read now sees the previous write: the counter ends at 6.
import asyncio

counter = 0


async def increment(name, times, lock):
    global counter
    for _ in range(times):
        async with lock:
            value = counter            # read
            await asyncio.sleep(0)     # others may run, but not in this block
            counter = value + 1        # write
            print(f"{name}: read {value}, wrote {counter}")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(increment("A", 3, lock), increment("B", 3, lock))
    print(f"counter = {counter} (expected 6)")


asyncio.run(main())
