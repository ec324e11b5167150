"""A program that handles SIGINT itself, in the way named by its argument, then spins or blocks.

    sigint_owner.py (signal|loop|ignore) (spin|sleep|recv|queue)
"""
import asyncio
import queue
import signal
import socket
import sys
import time

how, then = sys.argv[1], sys.argv[2]


def on_sigint(*args):
    print("the program's SIGINT handler ran", flush=True)


async def main():
    loop = asyncio.get_running_loop()
    if how == "signal":
        signal.signal(signal.SIGINT, on_sigint)
    elif how == "loop":
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    else:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("running", flush=True)
    if then == "spin":
        n = 0
        while True:
            n += 1
    elif then == "sleep":
        time.sleep(120)
    elif then == "recv":
        left, right = socket.socketpair()
        left.recv(1)
    else:
        queue.Queue().get()


asyncio.run(main())
