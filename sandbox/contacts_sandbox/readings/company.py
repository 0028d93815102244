"""The Company Contacts API's open points."""

from __future__ import annotations

from contacts_sandbox.readings.point import Point

API = "company"

POINTS = (
    Point(
        API,
        "times",
        ("zoned", "naive"),
        strict="zoned",
        examples="zoned",
        question="Do created_at and updated_at carry their zone (Z)?",
    ),
    Point(
        API,
        "page_order",
        ("stable", "any"),
        strict="any",
        examples="any",
        question="Does a contact keep its place in the list when it changes?",
    ),
    Point(
        API,
        "limit_cap",
        ("none", "50"),
        strict="none",
        examples="none",
        question="Is a large limit silently capped?",
    ),
)
