"""The fixed twin: the check and the act hold a lock across the await."""
import asyncio

stock = {"widget": 1}
sold = []
lock = asyncio.Lock()


async def buy(customer, warm_up):
    for _ in range(warm_up):
        await asyncio.sleep(0)
    async with lock:
        if stock["widget"] > 0:
            await asyncio.sleep(0)
            stock["widget"] -= 1
            sold.append(customer)


async def main():
    await asyncio.gather(buy("ann", 0), buy("bob", 2))
    assert stock["widget"] >= 0, f"oversold: {sold}"


asyncio.run(main())
print("sold to", sold)
