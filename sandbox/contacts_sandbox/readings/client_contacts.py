"""The Client Contacts API's open points."""

from __future__ import annotations

from contacts_sandbox.readings.point import Point

API = "client_contacts"

POINTS = (
    Point(
        API,
        "nulls",
        ("taken", "refused"),
        strict="refused",
        examples="refused",
        question="Is null in a typed field taken, or refused?",
    ),
    Point(
        API,
        "empty_strings",
        ("taken", "refused"),
        strict="taken",
        examples="taken",
        question="Is an empty string taken, or refused?",
    ),
    Point(
        API,
        "email",
        ("any", "address"),
        strict="address",
        examples="address",
        question="Must email look like an address?",
    ),
    Point(
        API,
        "internal_types",
        ("any", "checked"),
        strict="checked",
        examples="checked",
        question="Must the internal fields an update sends back have their documented types?",
    ),
    Point(
        API,
        "put",
        ("merges", "replaces"),
        strict="replaces",
        examples="replaces",
        question="Does a PUT change the fields sent, or replace the contact?",
    ),
    Point(
        API,
        "errors",
        ("status", "success_false"),
        strict="status",
        examples="status",
        question="Is a refusal a 4xx status, or a 200 saying success: false?",
    ),
    Point(
        API,
        "unknown_filters",
        ("ignored", "refused"),
        strict="ignored",
        examples="ignored",
        question="Is a list parameter the document does not name ignored, or refused?",
    ),
    Point(
        API,
        "default_order",
        ("id", "updated"),
        strict="updated",
        examples="updated",
        question="In which order does a list without sort come?",
    ),
    Point(
        API,
        "search",
        ("any_case", "same_case"),
        strict="same_case",
        examples="same_case",
        question="Does the name search ignore case?",
    ),
    Point(
        API,
        "from_updated",
        ("at_or_after", "after"),
        strict="after",
        examples="after",
        question="Does from_updatedAt take contacts updated at that very millisecond?",
    ),
    Point(
        API,
        "ids",
        ("commas", "repeated"),
        strict="repeated",
        examples="repeated",
        question="Are several ids given comma-separated, or only by repeating the parameter?",
    ),
    Point(
        API,
        "per_page_cap",
        ("none", "20"),
        strict="none",
        examples="none",
        question="Is a per_page above 20 silently capped?",
    ),
    Point(
        API,
        "patch",
        ("merges", "none"),
        strict="merges",
        examples="merges",
        question="Is there a PATCH at all, besides the documented update?",
    ),
)
