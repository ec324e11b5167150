"""Who holds a lock, asked for each of many waiters at one pause: the tasks are walked once, not once per waiter."""

from __future__ import annotations

import asyncio
from typing import Any, List, Optional

import pytest

from corodbg.agent.inspection import introspect

WAITERS = 50


async def holder(lock: asyncio.Lock, release: asyncio.Event) -> None:
    async with lock:
        await release.wait()


async def waiter(lock: asyncio.Lock) -> None:
    async with lock:
        pass


def acquire_frame(task: asyncio.Task) -> Optional[Any]:
    """The frame of ``Lock.acquire`` a waiting task is suspended in."""
    for obj in introspect.await_chain(task.get_coro()):
        frame = introspect.frame_of(obj)
        if frame is not None and introspect.acquired_primitive(frame) is not None:
            return frame
    return None


def describe_waiters(monkeypatch: pytest.MonkeyPatch, snapshot: bool) -> tuple:
    walks: List[int] = []
    original = introspect.await_chain

    def counting(coro: Any) -> Any:
        walks.append(1)
        return original(coro)

    async def main() -> List[Optional[str]]:
        lock, release = asyncio.Lock(), asyncio.Event()
        first = asyncio.create_task(holder(lock, release), name="Holder")
        await asyncio.sleep(0)
        waiters = [asyncio.create_task(waiter(lock)) for _ in range(WAITERS)]
        await asyncio.sleep(0)
        frames = [acquire_frame(task) for task in waiters]
        monkeypatch.setattr(introspect, "await_chain", counting)
        if snapshot:
            with introspect.one_snapshot():
                texts = [introspect.lock_wait_description(frame, []) for frame in frames if frame is not None]
        else:
            texts = [introspect.lock_wait_description(frame, []) for frame in frames if frame is not None]
        monkeypatch.setattr(introspect, "await_chain", original)
        release.set()
        await asyncio.gather(first, *waiters)
        return texts

    texts = asyncio.run(main())
    return texts, len(walks)


def test_one_pause_walks_the_tasks_once_however_many_wait_on_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    texts, walks = describe_waiters(monkeypatch, snapshot=True)
    assert len(texts) == WAITERS
    assert all(text is not None and "(held by Holder" in text for text in texts), texts[:2]
    assert walks <= WAITERS + 2  # every task's chain once (the holder, the waiters, main)


def test_outside_a_snapshot_the_answer_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    in_snapshot, _ = describe_waiters(monkeypatch, snapshot=True)
    plain, walks = describe_waiters(monkeypatch, snapshot=False)
    assert plain == in_snapshot
    assert walks > WAITERS * WAITERS  # (what each pause used to cost)
