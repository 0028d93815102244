"""Pages fetched ahead on a bounded pool, handed back in page order."""

from __future__ import annotations

import threading
import time

import pytest

from source_custom_contacts.reading.pages import (
    MAX_EMPTY_PAGES_IN_A_ROW,
    EmptyPageLoopError,
    Page,
    fetch_pages_in_order,
)


class FakeApi:
    """Serves `pages` pages; later pages answer faster, so completion order differs from page order."""

    def __init__(self, pages: int, total_known: bool = False) -> None:
        self.pages = pages
        self.total_known = total_known
        self.requested: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def fetch(self, number: int) -> Page[list[int]]:
        with self._lock:
            self.requested.append(number)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(0.002 * (self.pages - number % self.pages))
        with self._lock:
            self.in_flight -= 1
        items = [number] if number <= self.pages else []
        total = self.pages if self.total_known else None
        return Page(number=number, items=items, is_last=number >= self.pages, total_pages=total)


def test_given_pages_that_finish_out_of_order_when_iterated_then_they_come_in_page_order():
    api = FakeApi(pages=12)

    pages = [page.number for page in fetch_pages_in_order(api.fetch, max_in_flight=4)]

    assert pages == list(range(1, 13))


def test_given_a_bound_when_iterated_then_no_more_requests_are_in_flight_than_it_allows():
    api = FakeApi(pages=20)

    list(fetch_pages_in_order(api.fetch, max_in_flight=3))

    assert 1 < api.most_in_flight <= 3


def test_given_the_total_from_the_first_page_when_iterated_then_no_page_past_it_is_requested():
    api = FakeApi(pages=7, total_known=True)

    list(fetch_pages_in_order(api.fetch, max_in_flight=4))

    assert sorted(api.requested) == list(range(1, 8))


def test_given_no_total_when_iterated_then_pages_past_the_last_are_discarded():
    api = FakeApi(pages=5)

    pages = [page.number for page in fetch_pages_in_order(api.fetch, max_in_flight=4)]

    assert pages == [1, 2, 3, 4, 5]
    assert max(api.requested) <= 5 + 3


def test_given_a_reader_that_stops_early_when_closed_then_the_pool_is_shut_down():
    api = FakeApi(pages=50)
    pages = fetch_pages_in_order(api.fetch, max_in_flight=4)

    next(pages)
    pages.close()

    assert len(api.requested) < 50
    assert not [t for t in threading.enumerate() if t.name.startswith("page-fetch")]


def test_given_pages_that_are_empty_yet_say_more_without_end_when_iterated_then_it_stops_at_the_bound():
    asked: list[int] = []

    def fetch(number: int) -> Page[list[int]]:
        asked.append(number)
        return Page(number=number, items=[], is_last=False)

    with pytest.raises(EmptyPageLoopError, match=f"pages 1 to {MAX_EMPTY_PAGES_IN_A_ROW} were empty"):
        list(fetch_pages_in_order(fetch, max_in_flight=1, is_empty=lambda items: not items))

    assert asked[:2] == [1, 1]


@pytest.mark.parametrize("empty_pages", [1, MAX_EMPTY_PAGES_IN_A_ROW - 1])
def test_given_empty_pages_that_say_more_below_the_bound_when_iterated_then_the_pages_after_them_are_read(
    empty_pages: int,
):
    def fetch(number: int) -> Page[list[int]]:
        items = [] if 1 < number <= 1 + empty_pages else [number]
        return Page(number=number, items=items, is_last=number == empty_pages + 3)

    pages = fetch_pages_in_order(fetch, max_in_flight=4, is_empty=lambda items: not items)

    assert [item for page in pages for item in page.items] == [1, empty_pages + 2, empty_pages + 3]


def test_given_an_empty_page_that_says_more_when_asked_again_holds_contacts_then_they_are_read():
    answers = {2: [[], [20, 21]]}

    def fetch(number: int) -> Page[list[int]]:
        items = answers[number].pop(0) if number in answers else [number]
        return Page(number=number, items=items, is_last=number == 3)

    pages = fetch_pages_in_order(fetch, max_in_flight=1, is_empty=lambda items: not items)

    assert [item for page in pages for item in page.items] == [1, 20, 21, 3]


def test_given_a_page_that_fails_when_iterated_then_the_error_reaches_the_reader_in_order():
    def fetch(number: int) -> Page[list[int]]:
        if number == 3:
            raise RuntimeError("page 3 failed")
        return Page(number=number, items=[number], is_last=number == 6)

    pages = fetch_pages_in_order(fetch, max_in_flight=4)

    assert [next(pages).number, next(pages).number] == [1, 2]
    with pytest.raises(RuntimeError, match="page 3"):
        next(pages)


def test_given_a_list_of_unknown_length_when_iterated_then_no_more_pages_fly_than_have_come_back():
    api = FakeApi(pages=3)

    list(fetch_pages_in_order(api.fetch, max_in_flight=16))

    # Page 1 alone, then 2 alone, then at most 3 and 4: one page past the end, whatever the ceiling.
    assert sorted(api.requested)[:3] == [1, 2, 3]
    assert len(api.requested) <= 4


@pytest.mark.parametrize(("pages", "most_requested"), [(1, 1), (4, 4), (6, 7), (10, 13)])
def test_given_a_look_ahead_share_of_a_half_then_pages_past_the_end_are_fewer_than_half_of_the_list(
    pages: int, most_requested: int
) -> None:
    api = FakeApi(pages=pages)

    read = [page.number for page in fetch_pages_in_order(api.fetch, max_in_flight=16, look_ahead_share=0.5)]

    assert read == list(range(1, pages + 1))
    assert len(api.requested) <= most_requested
