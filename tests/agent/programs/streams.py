"""Streams on loopback: start_server on 127.0.0.1 port 0, open_connection, an echo."""
import asyncio


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(b"echo: " + line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for word in ("one", "two", "three"):
            writer.write(word.encode() + b"\n")
            await writer.drain()
            print((await reader.readline()).decode().strip())
        writer.write_eof()
        print("eof:", await reader.read() == b"")
        writer.close()
        await writer.wait_closed()
    print("server closed")


asyncio.run(main())
