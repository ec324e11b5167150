"""A thread alive all along: no fork checkpoint can be taken, going back re-runs the program."""
import asyncio
import threading
import time

threading.Thread(target=time.sleep, args=(600,), daemon=True).start()


async def work(name):
    for i in range(3):
        print(name, i)
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(work("a"), work("b"))


asyncio.run(main())
