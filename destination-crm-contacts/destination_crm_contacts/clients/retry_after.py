"""Retry-After, read in both of its forms: a number of seconds, or an HTTP date.

HTTP allows three spellings of a date (IMF-fixdate, RFC 850 and asctime), all in GMT. A date that
names no time zone is read as GMT too: that is what an HTTP date is, whatever the server forgot to
write. A wait is never negative: a date already past means "now".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import pendulum

# The three forms HTTP allows, then the same without the zone (read as GMT).
_ZONED = (
    "ddd, DD MMM YYYY HH:mm:ss z",  # IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    "dddd, DD-MMM-YY HH:mm:ss z",  # RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    "ddd, DD MMM YYYY HH:mm:ss ZZ",  # the zone as an offset: +0000
)
_UNZONED = (
    "ddd, DD MMM YYYY HH:mm:ss",
    "dddd, DD-MMM-YY HH:mm:ss",
    "ddd MMM D HH:mm:ss YYYY",  # asctime: Sun Nov  6 08:49:37 1994
)
# RFC 850 writes the year in two digits; one read as more than 50 years ahead is in the past.
_CENTURY_SLIP_YEARS = 50


def _utc_now() -> pendulum.DateTime:
    return pendulum.now("UTC")


class RetryAfter:
    """Seconds to wait before a retry, from a Retry-After value; None when it says nothing usable."""

    def __init__(self, now: Callable[[], pendulum.DateTime] = _utc_now) -> None:
        self._now = now

    def of(self, headers: Mapping[str, str]) -> float | None:
        return self.seconds(headers.get("Retry-After"))

    def seconds(self, value: str | None) -> float | None:
        text = " ".join((value or "").split())  # asctime pads a one-digit day with a space
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            return max(0.0, number) if math.isfinite(number) else None
        when = _http_date(text)
        if when is None:
            return None
        now = self._now()
        if when > now.add(years=_CENTURY_SLIP_YEARS):
            when = when.subtract(years=100)
        return max(0.0, (when - now).total_seconds())


def _http_date(text: str) -> pendulum.DateTime | None:
    for form in _ZONED + _UNZONED:
        try:
            return pendulum.from_format(text, form, tz="UTC")
        except ValueError:
            continue
    return None
