"""asyncio.Event: waiters wake when it is set; clear; is_set."""
import asyncio


async def waiter(event, name):
    print(name, "waits")
    await event.wait()
    print(name, "woke")


async def main():
    event = asyncio.Event()
    tasks = [asyncio.create_task(waiter(event, n)) for n in ("a", "b")]
    await asyncio.sleep(0.01)
    print("setting")
    event.set()
    await asyncio.gather(*tasks)
    event.clear()
    print("is_set:", event.is_set())
    done, pending = await asyncio.wait([asyncio.create_task(event.wait())], timeout=0.01)
    print("after timeout: done", len(done), "pending", len(pending))
    event.set()
    await asyncio.sleep(0)
    print("pending task done:", all(t.done() for t in pending))


asyncio.run(main())
