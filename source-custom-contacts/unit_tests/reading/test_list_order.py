"""Whether a full read's list may have been reshuffled while it was read."""

from __future__ import annotations

import pytest

from source_custom_contacts.reading.list_order import ListOrder


def _order(first_page_now: list[str], near_first_page: set[str]) -> tuple[ListOrder, list[int]]:
    looks: list[int] = []

    def first_page_ids() -> list[str]:
        looks.append(1)
        return first_page_now

    return ListOrder(first_page_ids, lambda: near_first_page), looks


def test_given_ids_in_ascending_order_when_something_changed_then_page_1_is_not_asked_again() -> None:
    order, looks = _order(["9"], {"1", "2"})
    order.pass_began()
    order.page_read(["2", "10"])
    order.page_read(["11", "100"])

    assert order.reshuffled({"10"}) is False
    assert looks == []


@pytest.mark.parametrize(
    ("first_page_now", "reshuffled"),
    [(["2", "3"], False), (["3", "9"], True), (["3", "7"], False)],
    ids=["pages-1-and-2-shifted", "a-contact-from-elsewhere", "a-changed-contact"],
)
def test_given_ids_out_of_order_when_something_changed_then_page_1_tells_a_reshuffle(
    first_page_now: list[str], reshuffled: bool
) -> None:
    order, looks = _order(first_page_now, {"1", "2", "3", "4"})
    order.pass_began()
    order.page_read(["2", "1"])

    assert order.reshuffled({"1", "7"}) is reshuffled
    assert looks == [1]


def test_given_ids_out_of_order_when_nothing_changed_then_page_1_is_not_asked_again() -> None:
    order, looks = _order(["9"], set())
    order.page_read(["2", "1"])

    assert order.reshuffled(set()) is False
    assert looks == []
