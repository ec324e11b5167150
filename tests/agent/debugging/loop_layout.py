import asyncio
import asyncio.unix_events


async def main():
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    plain = asyncio.unix_events._UnixSelectorEventLoop()
    print(sorted(set(vars(loop)) - set(vars(plain))), len(vars(loop)) - len(vars(plain)))
    plain.close()


asyncio.run(main())
