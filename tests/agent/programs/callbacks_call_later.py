"""call_later / call_at: time order, equal times in FIFO order, cancel, when()."""
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    done = loop.create_future()

    def at(label):
        print(label, "at +%.2f" % (loop.time() - start))

    loop.call_later(0.03, at, "later 0.03")
    loop.call_later(0.01, at, "later 0.01")
    loop.call_at(start + 0.02, at, "at 0.02")
    loop.call_later(0.01, at, "later 0.01 second")
    cancelled = loop.call_later(0.015, at, "never")
    print("when - start: %.3f" % (cancelled.when() - start))
    cancelled.cancel()
    loop.call_later(0, at, "later 0")
    loop.call_later(-1, at, "later -1")
    loop.call_later(0.04, done.set_result, None)
    await done
    print("done")


asyncio.run(main())
