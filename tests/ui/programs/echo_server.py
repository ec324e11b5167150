"""A real server on loopback (asyncio.start_server) and two clients: the screens must show the
program's tasks and what they wait on, not asyncio's stream machinery."""
import asyncio


def shout(line):
    return line.upper()


async def handle(reader, writer):
    line = await reader.readline()
    writer.write(shout(line))
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(port, text):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(text.encode() + b"\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer.decode().strip()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        answers = await asyncio.gather(client(port, "hello"), client(port, "world"))
    print(answers)


asyncio.run(main())
