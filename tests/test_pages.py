"""numpy's huge-page request is off while a large write runs, and as it was after."""

import threading

import pytest

from geotrack import _pages


def _setting() -> bool:
    """numpy's huge-page request now (the switch returns the setting it replaces)."""
    assert _pages._SWITCH is not None  # the numpy this project installs has it
    before = _pages._SWITCH(True)
    _pages._SWITCH(before)
    return before


@pytest.mark.parametrize("start", [True, False])
def test_the_request_is_off_in_the_block_and_as_it_was_after(start):
    assert _pages._SWITCH is not None
    previous = _pages._SWITCH(start)
    try:
        with _pages.small_pages():
            assert _setting() is False
            with _pages.small_pages():
                assert _setting() is False
            assert _setting() is False  # the inner block ending does not turn it back on
        assert _setting() is start
        with pytest.raises(RuntimeError), _pages.small_pages():
            raise RuntimeError("a failed write")
        assert _setting() is start
    finally:
        _pages._SWITCH(previous)


def test_blocks_in_two_threads_keep_it_off_until_the_last_ends():
    first_in, first_out, seen = threading.Event(), threading.Event(), []

    def other() -> None:
        with _pages.small_pages():
            first_in.set()
            first_out.wait(5)
            seen.append(_setting())

    assert _setting() is True
    thread = threading.Thread(target=other)
    thread.start()
    assert first_in.wait(5)
    with _pages.small_pages():
        assert _setting() is False
    assert _setting() is False  # this block has ended, the other thread's has not
    first_out.set()
    thread.join(5)
    assert seen == [False] and _setting() is True
