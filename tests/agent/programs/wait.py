"""asyncio.wait: FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, timeout."""
import asyncio


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise RuntimeError(name)
    return name


def names(tasks):
    return sorted(t.get_name() for t in tasks)


async def main():
    tasks = [asyncio.create_task(job(n, d), name=n) for n, d in (("x", 0.05), ("y", 0.01), ("z", 0.02))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print("first completed", names(done), names(pending))
    done, pending = await asyncio.wait(pending, timeout=0.02)
    print("after timeout", names(done), names(pending))
    done, pending = await asyncio.wait(pending)
    print("all", names(done), names(pending))

    tasks = [asyncio.create_task(job("e1", 0.01, True), name="e1"), asyncio.create_task(job("ok", 0.02), name="ok")]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print("first exception", names(done), names(pending), [repr(t.exception()) for t in done])
    await asyncio.wait(pending)
    print("results", [t.result() for t in tasks if not t.exception()])


asyncio.run(main())
