"""As many pages in flight as hide the latency from the reader, within the configured ceiling."""

from __future__ import annotations

from source_custom_contacts.reading.in_flight import PagesInFlight


def test_given_nothing_measured_yet_when_asked_then_one_page_goes_alone():
    assert PagesInFlight(ceiling=16).window() == 1


def test_given_a_slow_api_and_a_fast_reader_when_asked_then_enough_pages_fly_to_hide_the_latency():
    pages = PagesInFlight(ceiling=16)
    pages.fetched(0.050)
    pages.read(0.005)

    assert pages.window() == 10


def test_given_a_very_slow_api_when_asked_then_the_configured_ceiling_holds():
    pages = PagesInFlight(ceiling=4)
    pages.fetched(0.500)
    pages.read(0.001)

    assert pages.window() == 4


def test_given_a_reader_slower_than_the_api_when_asked_then_one_page_ahead_is_enough():
    pages = PagesInFlight(ceiling=16)
    pages.fetched(0.002)
    pages.read(0.010)

    assert pages.window() == 1
