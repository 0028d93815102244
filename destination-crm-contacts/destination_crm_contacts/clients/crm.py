"""The CRM API's four calls. Its answers are read defensively: the documents show a search
answering one `{"id"}` object of a contact whose field equals the term, while implementations
answer a list of contacts or an envelope around one. A search answer says which it was, so the
caller can tell an answer that lists every match from one that cannot (see `SearchAnswer`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.base import (
    TargetError,
    TargetHttp,
    error_reason,
    json_body,
    refusal,
)
from destination_crm_contacts.config import CrmConfig

_PATH_SETTINGS = "crm.base_url and crm.contacts_path"
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


class CrmClient:
    def __init__(self, http: TargetHttp, config: CrmConfig) -> None:
        self._http = http
        self._config = config
        self._id_field, self._fields_field = config.edit_field_names.split("/")

    def search(self, field: str, term: str) -> SearchAnswer:
        """Contacts whose `field` matches `term`, as the CRM matches it (exactly, or as a
        substring), and the shape of the answer."""
        query = {"searchby": field, "search": term}
        if self._config.search_parameters_in == "body":
            response = self._http.send("GET", self._config.contacts_path, json=query)
        else:
            response = self._http.send("GET", self._config.contacts_path, params=query)
        if response.status_code == 404:
            return SearchAnswer([], Shape.NOT_FOUND)
        if not response.ok:
            raise TargetError(
                f"crm: a search by {field} answered {error_reason(response)}: check crm.contacts_path "
                "and crm.search_parameters_in (the query string, or a JSON body as in the API's example).",
                FailureType.config_error,
            )
        body = json_body(response)
        return SearchAnswer(parse_contacts(body), shape_of(body))

    def create(self, contact: Mapping[str, Any]) -> str | None:
        """The new contact's id. None when the answer was lost or failed, so the create may or may
        not have happened: the caller looks the contact up before trying again."""
        response = self._http.send_once("POST", self._config.contacts_path, json=contact)
        if response is None or response.status_code >= 500:
            return None
        if not response.ok:
            raise refusal("crm", "POST", self._config.contacts_path, response, _PATH_SETTINGS)
        created = parse_contacts(json_body(response))
        if not created:
            # Written, yet with no id in the answer: an empty id sends the caller to look it up.
            return ""
        return created[0].id

    def edit(self, contact_id: str, fields: Mapping[str, Any]) -> bool:
        """False when the contact no longer exists."""
        body = {self._id_field: contact_id, self._fields_field: dict(fields)}
        response = self._http.send("POST", self._config.edit_path, json=body)
        if response.status_code == 404:
            return False
        if not response.ok:
            settings = "crm.base_url, crm.edit_path and crm.edit_field_names"
            raise refusal("crm", "POST", self._config.edit_path, response, settings)
        return True

    def delete(self, contact_id: str) -> bool:
        """False when the contact was already gone, which counts as deleted."""
        if self._config.delete_id_in == "query":
            response = self._http.send(
                "DELETE", self._config.contacts_path, params={"contact_id": contact_id}
            )
        else:
            response = self._http.send("DELETE", self._config.contacts_path, json={"contact_id": contact_id})
        if response.status_code in (404, 410):
            return False
        if not response.ok:
            # A delete carries only the CRM's own id: no refusal of it is about a record's content.
            raise TargetError(
                f"crm: DELETE {self._config.contacts_path} answered {error_reason(response)}: check "
                f"{_PATH_SETTINGS} and crm.delete_id_in (a JSON body as documented, or the query string).",
                FailureType.config_error,
            )
        return True


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
