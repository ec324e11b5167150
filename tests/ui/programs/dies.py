import asyncio
import os
import signal


async def main():
    print('about to die')
    os.kill(os.getpid(), signal.SIGKILL)


asyncio.run(main())
