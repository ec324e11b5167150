"""Output on stdout and stderr, interleaved across tasks, flushed at each line."""
import asyncio
import sys


async def talker(name, stream, n):
    for i in range(n):
        print(f"{name} {i}", file=stream, flush=True)
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(talker("out", sys.stdout, 3), talker("err", sys.stderr, 3))
    sys.stdout.write("partial ")
    sys.stderr.write("E\n")
    sys.stdout.write("line\n")
    sys.stdout.flush()
    sys.stderr.flush()


asyncio.run(main())
print("unflushed at exit", end="")
