"""Looking inside values (the Frame pane's tree) runs program code: every call is bounded."""

from __future__ import annotations

import time

from corodbg.agent.inspection import values


class EndlessIteration(dict):
    def __iter__(self):
        while True:
            pass


class EndlessLen:
    def __len__(self) -> int:
        while True:
            pass

    def __iter__(self):
        return iter(())

    def __contains__(self, item: object) -> bool:
        return False


def test_children_of_a_mapping_whose_iteration_never_ends_time_out() -> None:
    started = time.monotonic()
    items, more = values.children(EndlessIteration(a=1))
    assert time.monotonic() - started < 3
    assert items == [("<error>", "listing the children timed out")] and more == 0


def test_a_len_that_never_returns_is_not_expandable() -> None:
    started = time.monotonic()
    assert values.is_expandable(EndlessLen()) is False
    assert time.monotonic() - started < 3
    assert values.is_expandable([1]) and not values.is_expandable([])


def test_a_nested_time_limit_does_not_disarm_the_outer_one() -> None:
    """children() reprs each key with its own budget; the outer budget must still hold."""
    class SlowKeys(dict):
        def __iter__(self):
            yield "a"
            while True:
                pass

    started = time.monotonic()
    items, _ = values.children(SlowKeys(a=1))
    assert items[0][0] == "<error>"
    assert time.monotonic() - started < 3
