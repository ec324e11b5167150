"""websockets: a server on loopback echoing upper-cased messages, and a client."""
import asyncio

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve


async def shout(websocket):
    async for message in websocket:
        await websocket.send(message.upper())


async def main():
    async with serve(shout, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}") as websocket:
            for word in ("coroutines", "pause", "at await"):
                await websocket.send(word)
                print(await websocket.recv())
    print("closed")


asyncio.run(main())
