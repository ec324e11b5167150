"""Runs until SIGINT (a server's usual shape): nothing else can wake the loop."""
import asyncio
import signal


async def main():
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print("ready", flush=True)
    await stop.wait()
    print("stopped")


asyncio.run(main())
