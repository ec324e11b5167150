"""Asks two servers elsewhere and assumes the quicker one always answers first (no timer at all).

    python outside_order.py PORT_OF_A PORT_OF_B     (A answers in ~10 ms, B in ~25 ms)
"""

import asyncio
import sys

answers = []


async def ask(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"?\n")
    await writer.drain()
    answers.append((await reader.readline()).decode().strip())
    writer.close()
    await writer.wait_closed()


async def main():
    await asyncio.gather(ask(int(sys.argv[1])), ask(int(sys.argv[2])))
    assert answers == ["a", "b"], f"b answered before a: {answers}"


asyncio.run(main())
