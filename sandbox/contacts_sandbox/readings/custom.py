"""The Custom Contact Source API's open points."""

from __future__ import annotations

from contacts_sandbox.readings.point import Point

API = "custom"

POINTS = (
    Point(
        API,
        "order",
        ("id", "last_change", "unstable"),
        strict="last_change",
        examples="last_change",
        question="In which order does a full read list the contacts?",
    ),
    Point(
        API,
        "token_exp",
        ("with", "without"),
        strict="with",
        examples="with",
        question="Does the JWT carry an exp claim?",
    ),
    Point(
        API,
        "expired_status",
        ("401", "403"),
        strict="401",
        examples="401",
        question="Which status answers an expired token?",
    ),
    Point(
        API,
        "limit_cap",
        ("none", "50"),
        strict="none",
        examples="none",
        question="Is a large limit silently capped?",
    ),
    Point(
        API,
        "empty_page_more",
        ("never", "sometimes"),
        strict="never",
        examples="never",
        question="Can a page come back empty while has_more is true?",
    ),
    Point(
        API,
        "updated_and_deleted",
        ("never", "sometimes"),
        strict="never",
        examples="never",
        question="Can one delta list an id both as updated and as deleted?",
    ),
    Point(
        API,
        "updated_new",
        ("included", "excluded"),
        strict="included",
        examples="included",
        question="Does a delta's `updated` carry contacts created since the timestamp?",
    ),
    Point(
        API,
        "timestamp",
        ("at_or_after", "after"),
        strict="after",
        examples="after",
        question="Does a delta take changes within the timestamp's own second?",
    ),
    Point(
        API,
        "labels",
        ("raw", "normalised"),
        strict="raw",
        examples="raw",
        question="Does the server itself handle unknown labels as other and unknown types as customer?",
    ),
)
