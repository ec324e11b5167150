"""add_signal_handler: a signal sent to ourselves wakes the loop."""
import asyncio
import os
import signal


async def main():
    loop = asyncio.get_running_loop()
    got = loop.create_future()
    loop.add_signal_handler(signal.SIGUSR1, got.set_result, "SIGUSR1")
    loop.call_later(0.01, os.kill, os.getpid(), signal.SIGUSR1)
    print("received", await got)
    loop.remove_signal_handler(signal.SIGUSR1)


asyncio.run(main())
