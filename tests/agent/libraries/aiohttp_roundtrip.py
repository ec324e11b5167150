"""aiohttp: a web server on loopback and a client session asking it twice."""
import asyncio

from aiohttp import ClientSession, web


async def hello(request):
    name = request.match_info.get("name", "world")
    return web.json_response({"greeting": f"hello {name}", "method": request.method})


async def main():
    app = web.Application()
    app.router.add_get("/hello/{name}", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        async with ClientSession() as session:
            for name in ("corodbg", "asyncio"):
                async with session.get(f"http://127.0.0.1:{port}/hello/{name}") as response:
                    print(response.status, await response.json())
    finally:
        await runner.cleanup()
    print("done")


asyncio.run(main())
