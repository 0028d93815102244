"""The page size a server really serves."""

from __future__ import annotations

import logging

import pytest

from source_custom_contacts.reading.page_size import ServedPageSize


def _size() -> ServedPageSize:
    return ServedPageSize(100, "Custom Contact Source API", logging.getLogger("test"))


@pytest.mark.parametrize(
    ("items", "has_more", "size"),
    [(50, True, 50), (100, True, 100), (30, False, 100), (0, True, 100)],
    ids=["short-page-that-says-more", "full-page", "last-page", "empty-page"],
)
def test_given_a_page_when_served_then_only_a_short_one_that_says_more_sets_the_size(
    items: int, has_more: bool, size: int
) -> None:
    served = _size()

    served.served(items, has_more)

    assert served.size == size


def test_given_a_size_learnt_when_a_shorter_page_says_more_then_the_size_holds() -> None:
    served = _size()

    served.served(50, has_more=True)
    served.served(47, has_more=True)

    assert served.size == 50


def test_given_a_capped_page_when_served_then_the_log_names_both_sizes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        _size().served(50, has_more=True)

    assert "served 50 items on a page that says more follow, where 100 were asked" in caplog.text
