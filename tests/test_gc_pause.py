"""Bulk steps pause the cycle collector and always give it back as they found it."""

from __future__ import annotations

import gc

import pytest

from leaderdeck._gc import without_gc


@without_gc
def _collector_state(fail: bool = False) -> bool:
    if fail:
        raise ValueError("boom")
    return gc.isenabled()


def test_paused_inside_and_resumed_after_even_on_error():
    assert gc.isenabled()
    assert _collector_state() is False and gc.isenabled()
    with pytest.raises(ValueError):
        _collector_state(fail=True)
    assert gc.isenabled()


def test_a_caller_that_paused_it_keeps_it_paused():
    gc.disable()
    try:
        assert _collector_state() is False and not gc.isenabled()
    finally:
        gc.enable()
