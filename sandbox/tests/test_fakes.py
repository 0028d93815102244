"""The connectors' fake time: one timeline that only sleeping moves, the library's waits included."""

from __future__ import annotations

import time

import pytest

from contacts_sandbox.fakes import FakeTime, library_sleeps_on


def test_given_sleeps_when_the_clock_is_read_then_it_moved_by_them_alone() -> None:
    fake = FakeTime(10.0)

    fake.sleep(1.5)
    fake.sleep(0.25)

    assert fake.clock() == 11.75
    assert fake.slept == [1.5, 0.25]


def test_given_library_sleeps_on_a_fake_when_time_sleep_is_called_then_nothing_waits_and_the_fake_moves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeTime(0.0)
    waits = library_sleeps_on(fake, monkeypatch)
    began = time.monotonic()

    time.sleep(3600)
    time.sleep(0)
    fake.sleep(2)

    assert time.monotonic() - began < 60
    assert waits == [3600]
    assert fake.slept == [3600, 2]
    assert fake.clock() == 3602
