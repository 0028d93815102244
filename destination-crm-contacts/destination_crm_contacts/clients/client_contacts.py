"""The Client Contacts API: list (paged), create, update and delete documents by `_id`.

A write is done only when its answer says so: a 2xx whose body does not say `success: false`
(a server may answer a refusal with 200 and `success: false`). How a field is cleared is a
reading of its own: the document types its fields as strings and says nothing of clearing them,
so a server may take `""`, or `null`, or neither, clearing a field only when a replacing `PUT`
leaves it out. Under `auto` an update that clears a field sends `""`, then `null`, then leaves the
field out, each only when the form before it was refused (a refused write changes nothing), and
keeps the first the server takes."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.answers import error_reason, json_body, refusal
from destination_crm_contacts.clients.base import TargetError, TargetHttp
from destination_crm_contacts.config import ClientContactsConfig
from destination_crm_contacts.errors import FailedAnswer, RecordRejectedError

Document = Mapping[str, Any]
_PATH_SETTINGS = "client_contacts.base_url and client_contacts.contacts_path"
_NOT_FOUND = re.compile(r"not\s*found", re.IGNORECASE)
# How an update clears a field, in the order `auto` tries them.
CLEAR_FORMS = ("empty_string", "null", "omit")
_CLEARED: dict[str, Any] = {"empty_string": "", "null": None}


@dataclass(frozen=True)
class Page:
    documents: list[Document]
    total_pages: int | None
    has_next: bool


class ClientContactsClient:
    def __init__(self, http: TargetHttp, config: ClientContactsConfig) -> None:
        self._http = http
        self._config = config
        # How this server clears a field: pinned, learnt, or None while not learnt.
        self._clear_with = None if config.clear_with == "auto" else config.clear_with
        self._clear_lock = threading.Lock()

    def page(self, page: int, filters: Mapping[str, Any] | None = None) -> Page:
        params = {"page": page, "per_page": self._config.page_size, "sort": "_id", **(filters or {})}
        response = self._http.send("GET", self._config.contacts_path, params=params)
        if not response.ok:
            raise TargetError(
                f"client_contacts: listing page {page} of GET {self._config.contacts_path} answered "
                f"{error_reason(response)}: check {_PATH_SETTINGS}.",
                FailureType.config_error,
            )
        return parse_page(json_body(response), page, self._config.page_size)

    def check(self) -> None:
        """A one-document page, which must come in the API's envelope: any other answer means the
        base URL or the path lead somewhere else."""
        response = self._http.send("GET", self._config.contacts_path, params={"page": 1, "per_page": 1})
        if not response.ok:
            raise TargetError(
                f"client_contacts: GET {self._config.contacts_path} answered {error_reason(response)}: "
                f"check {_PATH_SETTINGS}.",
                FailureType.config_error,
            )
        body = json_body(response)
        if not (
            isinstance(body, Mapping)
            and isinstance(body.get("data"), list)
            and body.get("success") is not False
        ):
            raise TargetError(
                f"client_contacts: GET {self._config.contacts_path} answered, but not with the API's "
                'list of contacts ({"success": true, "data": [...]}): check ' + f"{_PATH_SETTINGS}.",
                FailureType.config_error,
            )

    def pages(self, filters: Mapping[str, Any] | None = None) -> Iterator[list[Document]]:
        """Every page in turn, stopping on the pagination's word, a short page, or a page that
        repeats the previous one (a server ignoring `page` would otherwise loop forever)."""
        number, previous_first = 1, None
        while True:
            page = self.page(number, filters)
            first = page.documents[0].get("_id") if page.documents else None
            if first is not None and first == previous_first:
                return
            yield page.documents
            if not page.has_next:
                return
            number, previous_first = number + 1, first

    def create(self, document: Document) -> str | FailedAnswer | None:
        """The new document's `_id`; None when the answer was lost (the caller looks it up),
        "" when it was written but the answer names no `_id`."""
        response = self._http.send_once("POST", self._config.contacts_path, json=document)
        if response is None:
            return None
        if response.status_code >= 500:
            return FailedAnswer(response.status_code, error_reason(response))
        body = json_body(response)
        if not response.ok or _says_failed(body):
            raise refusal("client_contacts", "POST", self._config.contacts_path, response, _PATH_SETTINGS)
        created = unwrap(body)
        return str(created.get("_id") or created.get("id") or "")

    def update(self, document_id: str, document: Document) -> Document | None:
        """The document as the answer shows it after the update ({} when it shows none); None when
        the document no longer exists. Fields holding "" are cleared as this server takes it."""
        if self._clear_with is not None or "" not in document.values():
            return self._update(document_id, document, self._clear_with or "empty_string")
        with self._clear_lock:
            refused: list[RecordRejectedError] = []
            for form in (self._clear_with,) if self._clear_with else CLEAR_FORMS:
                try:
                    answered = self._update(document_id, document, form)
                except RecordRejectedError as error:
                    refused.append(error)
                    continue
                if answered is not None:
                    self._clear_with = form
                return answered
            raise RecordRejectedError("; ".join(str(error) for error in refused))

    def _update(self, document_id: str, document: Document, clear_with: str) -> Document | None:
        body = {
            field: _CLEARED[clear_with] if value == "" and clear_with in _CLEARED else value
            for field, value in document.items()
            if value != "" or clear_with != "omit"
        }
        method = self._config.update_method
        response = self._http.send(method, self._item_path(document_id), json=body)
        if _status_of(response) in (404, 410):
            return None
        answer = json_body(response)
        if not response.ok or _says_failed(answer):
            settings = f"{_PATH_SETTINGS} and client_contacts.update_method"
            raise refusal("client_contacts", method, self._item_path("<_id>"), response, settings)
        return unwrap(answer)

    def delete(self, document_id: str) -> bool:
        """False when it was already gone, which counts as deleted."""
        response = self._http.send("DELETE", self._item_path(document_id))
        if _status_of(response) in (404, 410):
            return False
        if not response.ok or _says_failed(json_body(response)):
            raise TargetError(
                f"client_contacts: DELETE {self._item_path('<_id>')} answered {error_reason(response)}: "
                f"check {_PATH_SETTINGS}.",
                FailureType.config_error,
            )
        return True

    def _item_path(self, document_id: str) -> str:
        return f"{self._config.contacts_path}/{document_id}"


def _status_of(response: requests.Response) -> int:
    """The answer's status, or the one its body means: a server answering every error with 200
    and `success: false` says "not found" in words."""
    if response.ok and _says_failed(json_body(response)) and _NOT_FOUND.search(error_reason(response)):
        return 404
    return response.status_code


def _says_failed(body: Any) -> bool:
    """Whether an answer's body says the request failed, whatever its status."""
    return isinstance(body, Mapping) and body.get("success") is False


def unwrap(body: Any) -> Document:
    """The document of a `{"success", "data": {...}}` answer, or the answer itself."""
    if isinstance(body, Mapping):
        data = body.get("data")
        return data if isinstance(data, Mapping) else body
    return {}


def parse_page(body: Any, page: int, page_size: int) -> Page:
    items: Any = body.get("data") if isinstance(body, Mapping) else body
    pagination: Any = body.get("pagination") if isinstance(body, Mapping) else None
    if not isinstance(pagination, Mapping):
        pagination = {}
    documents = [item for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []
    total_pages = _as_int(pagination.get("total_page"))
    if total_pages is not None:
        has_next = page < total_pages
    elif "next_page" in pagination:
        has_next = bool(pagination.get("next_page"))
    else:
        has_next = len(documents) >= page_size
    return Page(documents=documents, total_pages=total_pages, has_next=has_next and bool(documents))


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
