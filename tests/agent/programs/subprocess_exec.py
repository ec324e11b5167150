"""create_subprocess_exec of sys.executable: pipes, communicate, return codes."""
import asyncio
import sys


async def main():
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "print('hello from the child')",
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    print("child said", out.decode().strip(), "rc", proc.returncode)

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import sys; data = sys.stdin.read(); print(data.upper()); sys.exit(5)",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate(b"shout")
    print("upper", out.decode().strip(), "err", err, "rc", proc.returncode)

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time\nfor i in range(3): print(i, flush=True); time.sleep(0.01)",
        stdout=asyncio.subprocess.PIPE)
    lines = [line.decode().strip() async for line in proc.stdout]
    print("lines", lines, "rc", await proc.wait())


asyncio.run(main())
