"""Planted race: check-then-act with an await between the check and the act (one item, two buyers)."""
import asyncio

stock = {"widget": 1}
sold = []


async def buy(customer, warm_up):
    for _ in range(warm_up):          # the second customer browses a little first
        await asyncio.sleep(0)
    if stock["widget"] > 0:
        await asyncio.sleep(0)        # "write the order to the database"
        stock["widget"] -= 1
        sold.append(customer)


async def main():
    await asyncio.gather(buy("ann", 0), buy("bob", 2))
    assert stock["widget"] >= 0, f"oversold: {sold}"


asyncio.run(main())
print("sold to", sold)
