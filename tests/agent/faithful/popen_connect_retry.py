"""Starts a server with subprocess.Popen and retries connecting until it listens."""
import asyncio
import socket
import subprocess
import sys

SERVER = """
import socket, sys, time
time.sleep(0.5)
server = socket.create_server(("127.0.0.1", int(sys.argv[1])))
connection, _ = server.accept()
connection.sendall(b"hello from the server")
connection.close()
"""


async def main():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    for attempt in range(120):  # 60 s at most
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.5)
    else:
        print("gave up")
        server.kill()
        return
    print((await reader.read()).decode())
    writer.close()
    server.wait()


asyncio.run(main())
