# deadlock.py -- two tasks, each waiting on a lock the other holds.
#
# WARNING: under plain `python` this program hangs forever (that is the bug it
# shows). Under `corodbg --headless` the engine notices that nothing is ready,
# no timer is set and nothing outside the loop can wake it: it prints a
# "corodbg: deadlock: ..." line on stderr naming what each task waits on, and
# exits with status 1.
#
# What to look at in corodbg (corodbg samples/deadlock.py):
#   - Press space (Send): "left" takes lock_a, "right" takes lock_b, each
#     yields once (sleep(0)) so the other can take its first lock.
#   - Then each asks for the second lock and suspends. The ready queue empties;
#     the pause reason becomes "deadlock" and the Coroutines pane shows
#     left awaiting lock_b's future and right awaiting lock_a's.
#   - The fix: take locks in the same order in every task.
import asyncio


async def worker(name, first, second, first_name, second_name):
    async with first:
        print(f"{name}: holds {first_name}")
        await asyncio.sleep(0)
        print(f"{name}: waiting for {second_name}")
        async with second:
            print(f"{name}: holds both (never printed)")


async def main():
    lock_a, lock_b = asyncio.Lock(), asyncio.Lock()
    await asyncio.gather(
        worker("left", lock_a, lock_b, "lock_a", "lock_b"),
        worker("right", lock_b, lock_a, "lock_b", "lock_a"),
    )


asyncio.run(main())
