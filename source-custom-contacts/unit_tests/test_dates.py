from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from source_custom_contacts.dates import less_lookback, parse_time, rfc3339


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-15T08:00:00Z", datetime(2027, 1, 15, 8, tzinfo=UTC)),
        ("2027-01-15T08:00:00.123Z", datetime(2027, 1, 15, 8, 0, 0, 123000, tzinfo=UTC)),
        ("2027-01-15T10:00:00+02:00", datetime(2027, 1, 15, 8, tzinfo=UTC)),
        ("2027-01-15T08:00:00", datetime(2027, 1, 15, 8, tzinfo=UTC)),
        ("2027-01-15", datetime(2027, 1, 15, tzinfo=UTC)),
    ],
)
def test_given_an_iso_time_when_parsed_then_it_is_that_instant_with_utc_for_a_missing_offset(
    text: str, expected: datetime
):
    parsed = parse_time(text)

    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    "value", ["last tuesday", "", "2027-13-01T00:00:00Z", "P1D", 1_800_000_000, None, True]
)
def test_given_something_that_is_not_a_time_when_parsed_then_none(value: object):
    assert parse_time(value) is None


def test_given_unix_seconds_or_a_datetime_when_formatted_then_utc_whole_seconds_with_z():
    east = timezone(timedelta(hours=2))

    assert rfc3339(1_800_000_000.9) == "2027-01-15T08:00:00Z"
    assert rfc3339(datetime(2027, 1, 15, 10, 0, 0, 500000, tzinfo=east)) == "2027-01-15T08:00:00Z"


def test_given_a_sync_start_when_the_lookback_is_taken_off_then_whole_seconds_never_before_the_epoch():
    assert less_lookback(1_800_000_000.7, 60).int_timestamp == 1_799_999_940
    assert less_lookback(30, 60).int_timestamp == 0
