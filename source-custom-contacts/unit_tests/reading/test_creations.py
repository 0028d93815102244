"""What the state keeps of /contacts to find the contacts a delta leaves out."""

from __future__ import annotations

import pytest

from source_custom_contacts.reading.creations import ListEnd, Tally


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"timestamp": 1}, ListEnd()),
        ({"contacts": 6, "last_id": "9", "new_in_delta": True}, ListEnd(6, 9, True)),
        ({"contacts": "6", "last_id": 9, "new_in_delta": "yes"}, ListEnd()),
        ({"contacts": True, "last_id": "abc"}, ListEnd()),
        ({"last_ids": ["1", 2, "3", "4", "5", "6"]}, ListEnd(marks=("2", "3", "4", "5", "6"))),
        ({"last_ids": "1"}, ListEnd()),
    ],
    ids=[
        "an-earlier-versions-state",
        "every-key",
        "keys-of-the-wrong-type",
        "a-flag-and-a-text-id",
        "the-last-five-marks",
        "marks-not-a-list",
    ],
)
def test_given_a_saved_state_when_read_then_what_is_not_of_its_kind_counts_as_unknown(
    state: dict, expected: ListEnd
) -> None:
    assert ListEnd.of(state) == expected


def test_given_a_list_end_when_written_to_the_state_then_it_reads_back_the_same() -> None:
    kept = ListEnd(contacts=40, last_id=1234, marks=("1233", "1234"))

    assert ListEnd.of(kept.as_state()) == kept
    assert kept.as_state() == {"contacts": 40, "last_id": "1234", "last_ids": ["1233", "1234"]}


def test_given_a_delta_that_carries_new_contacts_when_written_then_the_marks_are_no_longer_kept() -> None:
    kept = ListEnd(contacts=40, last_id=1234, new_in_delta=True, marks=("1234",))

    assert kept.as_state() == {"contacts": 40, "last_id": "1234", "new_in_delta": True}


@pytest.mark.parametrize(
    ("contacts", "left", "page_size", "first_page"),
    [(None, 0, 10, 1), (100, 0, 10, 10), (100, 25, 10, 7), (100, 500, 10, 1), (5, 0, 10, 1)],
)
def test_given_the_contacts_counted_and_those_that_left_when_the_tail_is_placed_then_it_starts_a_page_early(
    contacts: int | None, left: int, page_size: int, first_page: int
) -> None:
    assert ListEnd(contacts=contacts).tail_page(left, page_size) == first_page


@pytest.mark.parametrize(
    ("last_id", "contact_id", "new", "proves"),
    [(9, "10", True, True), (9, "9", False, False), (None, "10", True, False), (9, "x-1", True, False)],
    ids=["larger", "not-larger", "no-id-kept", "not-a-number"],
)
def test_given_the_largest_id_kept_when_an_id_is_seen_then_only_a_larger_number_is_surely_new(
    last_id: int | None, contact_id: str, new: bool, proves: bool
) -> None:
    kept = ListEnd(contacts=10, last_id=last_id)

    assert (kept.is_new(contact_id), kept.proven_by(contact_id)) == (new, proves)


def test_given_ids_of_any_kind_when_tallied_then_each_counts_and_the_largest_number_is_kept() -> None:
    tally = Tally()
    for contact_id in ("7", "x", "12", "3"):
        tally.saw(contact_id)

    assert (tally.count, tally.last_id) == (4, 12)
