"""aiosqlite: a database in memory, used from coroutines (its work runs in a thread)."""
import asyncio

import aiosqlite


async def main():
    async with aiosqlite.connect(":memory:") as db:
        await db.execute("create table task (name text, done integer)")
        await db.executemany("insert into task values (?, ?)", [("write", 1), ("test", 0), ("ship", 0)])
        await db.commit()
        async with db.execute("select name from task where done = 0 order by name") as cursor:
            print([row[0] async for row in cursor])
        async with db.execute("select count(*) from task") as cursor:
            print("rows:", (await cursor.fetchone())[0])


asyncio.run(main())
