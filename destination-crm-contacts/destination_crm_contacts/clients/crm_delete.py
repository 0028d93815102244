"""The CRM's delete, sent where this CRM reads the contact's id: a JSON body (the document's
example), the query string, or the path. Under `auto` the first delete tries each in turn, and
the one that deletes is kept; a refused or unrouted form deletes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import requests
from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.answers import error_reason
from destination_crm_contacts.clients.base import TargetError, TargetHttp
from destination_crm_contacts.clients.crm_readings import CrmReadings, forms_to_send
from destination_crm_contacts.config import CrmConfig

_PATH_SETTINGS = "crm.base_url and crm.contacts_path"
_GONE = (404, 410)


class CrmDeletes:
    def __init__(
        self,
        http: TargetHttp,
        config: CrmConfig,
        readings: CrmReadings,
        proven: set[str],
        prove_path: Callable[[str, str], None],
    ) -> None:
        """`proven`: the paths whose answers showed the API is there, which a delete adds to;
        `prove_path`: fails unless a path that answered 404 is the API's."""
        self._http = http
        self._config = config
        self.readings = readings
        self._proven = proven
        self.prove_path = prove_path
        self._delete_lock = threading.Lock()

    def delete(self, contact_id: str) -> bool:
        """True when deleted, False when the contact was already gone (which counts as deleted)."""
        if len(self.readings.delete_places()) == 1:
            return self._delete(contact_id)
        with self._delete_lock:
            return self._delete(contact_id)

    def _delete(self, contact_id: str) -> bool:
        """Under `auto` a 404 may be a route the server lacks (one reading the id in the path has no
        DELETE without it): every place is tried, and the contact is gone when none deletes it and
        one says so."""
        answers, gone = [], False
        places = self.readings.delete_places()
        for place, once, answer in forms_to_send(
            places, lambda place: self._delete_at(place, contact_id, learning=True)
        ):
            if gone and not once:
                break  # a form that read the id found no contact: the one answering 500 did not read it
            response = answer if answer is not None else self._delete_at(place, contact_id, learning=False)
            if response.ok:
                self._proven.add(self._config.contacts_path)
                self.readings.learn_delete(place)
                return True
            answers.append(f"in the {place}: {error_reason(response)}")
            gone = gone or response.status_code in _GONE
            if response.status_code not in (*_GONE, 400, 405, 422):
                break
        if gone:
            self.prove_path(self._config.contacts_path, _PATH_SETTINGS)
            return False
        # A delete carries only the CRM's own id: no refusal of it is about a record's content.
        raise TargetError(
            f"crm: DELETE {self._config.contacts_path} with the contact's id {'; '.join(answers)}: check "
            f"{_PATH_SETTINGS} and crm.delete_id_in (auto tries a JSON body, the query string and the path).",
            FailureType.config_error,
        )

    def _delete_at(self, place: str, contact_id: str, learning: bool) -> requests.Response:
        """The delete's answer, retried on transient errors; `learning`: a bare 500 comes back."""
        path = self._config.contacts_path
        send = self._http.send_while_learning if learning else self._http.send
        if place == "path":
            return send("DELETE", f"{path}/{contact_id}")
        if place == "query":
            return send("DELETE", path, params={"contact_id": contact_id})
        return send("DELETE", path, json={"contact_id": contact_id})
