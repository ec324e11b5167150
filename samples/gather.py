# gather.py -- sleeps of different lengths finish in time order.
#
# What to look at in corodbg (corodbg samples/gather.py):
#   - At the start pause the ready queue holds one item, main(). Press
#     space (Send) once: main() runs until `await asyncio.gather(...)` and
#     the ready queue now holds three tasks, Task-2..Task-4, in creation order.
#   - Press space three more times: each task prints "start" and suspends on
#     its sleep. The Coroutines pane shows each one awaiting sleep(...).
#   - Nothing is ready now: the next Send jumps the virtual clock (t= in the
#     title bar) to the earliest timer, 0.1 s, and wakes "fast" first, then
#     0.2 s "medium", then 0.3 s "slow" -- time order, not creation order.
#   - The result list still comes back in argument order: gather keeps it.
#   Press c (Continue) to run to the end. Under corodbg the sleeps are virtual:
#   the run takes no wall time.
import asyncio


async def nap(name, seconds):
    print(f"{name}: start, sleeping {seconds} s")
    await asyncio.sleep(seconds)
    print(f"{name}: woke up")
    return name


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    results = await asyncio.gather(
        nap("slow", 0.3),
        nap("fast", 0.1),
        nap("medium", 0.2),
    )
    print("results, in argument order:", results)
    print(f"elapsed about {loop.time() - start:.1f} s (the longest sleep, not the sum)")


asyncio.run(main())
