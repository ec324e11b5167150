import asyncio


async def divide(a, b):
    print(f'dividing {a} by {b}')
    return a / b


async def main():
    print('about to fail')
    return await divide(1, 0)


asyncio.run(main())
