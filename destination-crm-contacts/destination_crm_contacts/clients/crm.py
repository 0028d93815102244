"""The CRM API's four calls. Its answers are read defensively: the documents show a search
answering one `{"id"}` object, while implementations answer a list of contacts or an envelope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from destination_crm_contacts.clients.base import (
    RecordRejectedError,
    TargetError,
    TargetHttp,
    error_reason,
    json_body,
)
from destination_crm_contacts.config import CrmConfig

_ENVELOPE_KEYS = ("data", "contacts", "results", "items", "records")
_ID_KEYS = ("id", "_id", "contact_id", "contactID")


@dataclass(frozen=True)
class CrmContact:
    id: str
    # None when the answer carried only the id: then nothing can be compared.
    fields: Mapping[str, Any] | None


class CrmClient:
    def __init__(self, http: TargetHttp, config: CrmConfig) -> None:
        self._http = http
        self._config = config
        self._id_field, self._fields_field = config.edit_field_names.split("/")

    def search(self, field: str, term: str) -> list[CrmContact]:
        """Contacts whose `field` contains `term`, as the CRM matches it."""
        query = {"searchby": field, "search": term}
        if self._config.search_parameters_in == "body":
            response = self._http.send("GET", self._config.contacts_path, json=query)
        else:
            response = self._http.send("GET", self._config.contacts_path, params=query)
        if response.status_code == 404:
            return []  # some implementations answer "nothing found" with a 404
        if not response.ok:
            raise TargetError(f"crm: search by {field} failed: {error_reason(response)}")
        return parse_contacts(json_body(response))

    def create(self, contact: Mapping[str, Any]) -> str | None:
        """The new contact's id. None when the answer was lost or failed, so the create may or may
        not have happened: the caller looks the contact up before trying again."""
        response = self._http.send_once("POST", self._config.contacts_path, json=contact)
        if response is None or response.status_code >= 500:
            return None
        if not response.ok:
            raise RecordRejectedError(error_reason(response))
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
            raise RecordRejectedError(error_reason(response))
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
            raise RecordRejectedError(error_reason(response))
        return True


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
