"""Values whose __len__ or iteration never returns: a pause must still come (item 15)."""
import asyncio
class Forever:
    def __len__(self):
        while True:
            pass
    def __iter__(self):
        return iter(())
    def __contains__(self, x):
        return False
class ForeverMap(dict):
    def __iter__(self):
        while True:
            pass
async def main():
    forever = Forever()
    mapping = ForeverMap(a=1)
    print("paused here")
asyncio.run(main())
