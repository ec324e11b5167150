"""run_in_executor with a ProcessPoolExecutor (forked workers on Linux before 3.14)."""
import asyncio
import concurrent.futures


def square(n):
    total = n * n
    return total


async def main():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        results = [await loop.run_in_executor(pool, square, n) for n in range(3)]
    print(results)


if __name__ == "__main__":
    asyncio.run(main())
