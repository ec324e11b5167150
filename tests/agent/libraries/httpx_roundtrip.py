"""httpx's AsyncClient against a small HTTP server written with asyncio streams."""
import asyncio

import httpx


async def serve(reader, writer):
    request = await reader.readuntil(b"\r\n\r\n")
    path = request.split(b" ")[1].decode()
    body = f"you asked for {path}".encode()
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                 b"Connection: close\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        async with httpx.AsyncClient() as client:
            responses = await asyncio.gather(*(client.get(f"http://127.0.0.1:{port}/item/{n}") for n in range(3)))
    for response in responses:
        print(response.status_code, response.text)


asyncio.run(main())
