# lost_update.py -- a race: two tasks read-modify-write a shared counter.
#
# What to look at in corodbg (corodbg samples/lost_update.py):
#   - Each increment reads `counter`, yields with `await asyncio.sleep(0)`,
#     then writes back `value + 1`. The await is a point where the other
#     task can run -- between the read and the write.
#   - Press space (Send) and watch the ready queue alternate between
#     Task-2 and Task-3. Step (s) into one increment: the Frame pane shows
#     `value` holding the counter it read; Send the other task; then come
#     back -- its `value` is stale and its write overwrites the other's.
#   - With 2 tasks x 3 increments the counter should be 6; the program prints
#     3: half the updates were lost. Compare lost_update_fixed.py.
import asyncio

counter = 0


async def increment(name, times):
    global counter
    for _ in range(times):
        value = counter            # read
        await asyncio.sleep(0)     # another task runs here
        counter = value + 1        # write: may overwrite the other task's update
        print(f"{name}: read {value}, wrote {counter}")


async def main():
    await asyncio.gather(increment("A", 3), increment("B", 3))
    print(f"counter = {counter} (expected 6)")


asyncio.run(main())
