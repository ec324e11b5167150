"""An exception after the loop, at module level, with a chained cause."""
import asyncio


async def main():
    return {"a": 1}


result = asyncio.run(main())
print(result)
try:
    result["b"]
except KeyError as error:
    raise RuntimeError("lookup failed") from error
