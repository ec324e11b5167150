"""An event loop policy of the program's own, made from the default one."""
import asyncio


class MyPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        loop = super().new_event_loop()
        loop.made_by_my_policy = True
        return loop


async def main():
    await asyncio.sleep(0)
    print("made by my policy:", asyncio.get_running_loop().made_by_my_policy)


asyncio.set_event_loop_policy(MyPolicy())
asyncio.run(main())
