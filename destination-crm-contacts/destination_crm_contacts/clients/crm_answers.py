"""What a CRM search answers, read defensively: the document shows one `{"id"}` object of a
contact whose field equals the term, while implementations answer a list of contacts or an
envelope around one. An answer says which it was, so the caller can tell an answer that lists
every match from one that cannot (see `SearchAnswer`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

_ENVELOPE_KEYS = ("data", "contacts", "results", "items", "records")
_ID_KEYS = ("id", "_id", "contact_id", "contactID")
# Keys of an envelope that, holding a true value, say the answer is one page of more.
_MORE_PAGES_KEYS = frozenset(
    {
        "next",
        "next_page",
        "nextpage",
        "next_cursor",
        "nextcursor",
        "next_token",
        "nexttoken",
        "next_url",
        "cursor",
        "has_more",
        "hasmore",
        "more",
        "links",
        "continuation",
    }
)
_TOTAL_KEYS = frozenset({"total", "total_count", "totalcount", "count", "total_results", "total_page"})


@dataclass(frozen=True)
class CrmContact:
    id: str
    # None when the answer carried only the id: then nothing can be compared.
    fields: Mapping[str, Any] | None


class Shape(Enum):
    """What a search answered, as far as it tells whether it lists every match."""

    LIST = "a list"  # a JSON list, or an envelope around one that shows no sign of more pages
    PAGE = "one page of a longer list"  # an envelope that says there is more
    OBJECT = "one contact"  # a single object, as the API's own example shows
    NOT_FOUND = "an error status for no match"  # 404, the reading of "no contact, no id"


@dataclass(frozen=True)
class SearchAnswer:
    contacts: list[CrmContact]
    shape: Shape

    @property
    def with_fields(self) -> bool | None:
        """Whether the contacts came with their fields; None when no contact came at all."""
        if not self.contacts:
            return None
        return all(contact.fields is not None for contact in self.contacts)


def shape_of(body: Any) -> Shape:
    if isinstance(body, list):
        return Shape.LIST
    if not isinstance(body, Mapping):
        return Shape.OBJECT
    for key in _ENVELOPE_KEYS:
        inner = body.get(key)
        if isinstance(inner, list):
            return Shape.PAGE if _more_pages(body, len(inner)) else Shape.LIST
        if isinstance(inner, Mapping):
            return shape_of(inner) if any(k in inner for k in _ENVELOPE_KEYS) else Shape.OBJECT
    return Shape.OBJECT


def _more_pages(envelope: Mapping[str, Any], count: int) -> bool:
    """Whether an envelope says its list is not all: a next page, a cursor, a larger total."""
    for key, value in envelope.items():
        name = str(key).lower()
        if name == "pagination" and isinstance(value, Mapping) and _more_pages(value, count):
            return True
        if name in _MORE_PAGES_KEYS and value:
            return True
        is_number = isinstance(value, int) and not isinstance(value, bool)
        if name in _TOTAL_KEYS and is_number and value > (1 if name == "total_page" else count):
            return True
    return False


def parse_contacts(body: Any) -> list[CrmContact]:
    """Contacts from a list, from one object with an id, or from an envelope around either."""
    if isinstance(body, Mapping):
        for key in _ENVELOPE_KEYS:
            if isinstance(body.get(key), (list, Mapping)):
                return parse_contacts(body[key])
        body = [body]
    if not isinstance(body, list):
        return []
    contacts = []
    for item in body:
        if not isinstance(item, Mapping):
            continue
        contact_id = next((item[key] for key in _ID_KEYS if item.get(key) not in (None, "")), None)
        if contact_id is None:
            continue
        fields = {key: value for key, value in item.items() if key not in _ID_KEYS}
        contacts.append(CrmContact(id=str(contact_id), fields=fields or None))
    return contacts


def answered_id(body: Any) -> str | None:
    """The id an answer names (`{"id"}`, or the first contact of a list or envelope)."""
    contacts = parse_contacts(body)
    return contacts[0].id if contacts else None
