"""A pytest test with a check-then-act race (for corodbg explore -m pytest)."""
import asyncio


def test_two_buyers_one_widget():
    stock = {"widget": 1}

    async def buy(warm_up):
        for _ in range(warm_up):
            await asyncio.sleep(0)
        if stock["widget"] > 0:
            await asyncio.sleep(0)
            stock["widget"] -= 1

    async def main():
        await asyncio.gather(buy(0), buy(2))

    asyncio.run(main())
    assert stock["widget"] >= 0


def test_other():
    assert True
