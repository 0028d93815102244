"""How long an answer's Retry-After asks to wait: seconds, or an HTTP date.

HTTP allows three date forms (IMF-fixdate, the obsolete RFC 850 and asctime); asctime carries no
zone, and HTTP dates are in GMT by definition, so a date without a zone is read as UTC. A wait
is never negative: a date already past means "now".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pendulum

Now = Callable[[], pendulum.DateTime]

# pendulum tokens of the three HTTP-date forms, each tried with a zone name, an offset, or none.
_DATE_FORMS = ("ddd, DD MMM YYYY HH:mm:ss", "dddd, DD-MMM-YY HH:mm:ss", "ddd MMM D HH:mm:ss YYYY")
_ZONES = (" z", " ZZ", "")
_FORMATS = tuple(form + zone for form in _DATE_FORMS for zone in _ZONES)


def _utc_now() -> pendulum.DateTime:
    return pendulum.now("UTC")


class RetryAfter:
    """Reads a Retry-After value; `now` is injected so that tests of dates need no real clock."""

    def __init__(self, now: Now = _utc_now) -> None:
        self._now = now

    def seconds(self, value: str | None) -> float | None:
        """Seconds to wait, or None when the header is missing, empty or unreadable."""
        if value is None or not value.strip():
            return None
        text = " ".join(value.split())  # asctime pads a one-digit day with a second space
        try:
            seconds = float(text)
        except ValueError:
            pass
        else:
            return max(0.0, seconds) if math.isfinite(seconds) else None
        when = self._date(text)
        if when is None:
            return None
        return max(0.0, (when - self._now()).total_seconds())

    @staticmethod
    def _date(text: str) -> pendulum.DateTime | None:
        for form in _FORMATS:
            try:
                return pendulum.from_format(text, form, tz="UTC")
            except ValueError:
                continue
        return None
