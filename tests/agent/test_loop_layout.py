"""The step loop keeps asyncio's compact instance layout (a cost of every task switch, see _LoopState)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from corodbg.agent.loop.step_loop import StepLoop

#: CPython's shared-keys limit: past it, an instance's attributes leave the inline layout.
SHARED_KEYS_MAX = 30


@pytest.mark.skipif(sys.version_info < (3, 13), reason="__static_attributes__ is 3.13+")
def test_no_property_of_the_step_loop_is_assigned_through_self_inside_the_class() -> None:
    properties = [name for name in StepLoop.__static_attributes__  # type: ignore[attr-defined, unused-ignore]
                  if isinstance(getattr(StepLoop, name, None), property)]
    assert properties == [], "each takes a slot of the instances' shared keys on 3.14"


def test_a_step_loop_has_no_more_attributes_than_the_shared_keys_hold() -> None:
    async def switch() -> None:
        await asyncio.sleep(0)

    loop = StepLoop()
    try:
        loop.run_until_complete(switch())
        names = set(vars(loop)) | set(getattr(StepLoop, "__static_attributes__", ()))
    finally:
        loop.close()
    assert len(names) <= SHARED_KEYS_MAX, sorted(names)
