import asyncio
import sys
import threading


async def main(round_):
    result = await asyncio.to_thread(sum, range(10))
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "print('child', 7)",
                                                   stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    return round_, result, out.decode().strip(), process.returncode


def in_thread(results):
    results.append(asyncio.run(main("thread")))


for round_ in range(3):
    print(asyncio.run(main(round_)))
results = []
thread = threading.Thread(target=in_thread, args=(results,))
thread.start()
thread.join()
print(results)
