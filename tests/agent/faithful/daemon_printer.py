"""A daemon thread that prints forever; the program ends after its loop (python stops the thread then)."""
import asyncio
import threading
import time


def ticker():
    while True:
        print("tick", flush=True)
        time.sleep(0.02)


async def main():
    threading.Thread(target=ticker, daemon=True).start()
    await asyncio.sleep(0.2)


asyncio.run(main())
print("main done", flush=True)
