"""The CRM API's four calls, each in the form this CRM reads (`CrmReadings`), and counted as done
only when the answer shows it: an edit's answer must name the contact sent, a create's must carry
an id (else the contact is looked up), a delete's must be a success.

Where a point is not learnt yet, a call tries the forms in turn, each one a request that changes
nothing when the form is wrong (refused, or ignored: an edit answered with no id), and keeps the
first the answer proves. The first call of an unlearnt point holds the others back until it has
learnt, so concurrent writes learn it once."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import requests
from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.answers import CONTENT_REFUSALS, error_reason, json_body, refusal
from destination_crm_contacts.clients.base import TargetError, TargetHttp
from destination_crm_contacts.clients.crm_answers import (
    SearchAnswer,
    Shape,
    answered_id,
    parse_contacts,
    shape_of,
)
from destination_crm_contacts.clients.crm_delete import CrmDeletes
from destination_crm_contacts.clients.crm_readings import (
    EDIT_SPELLINGS,
    CrmReadings,
    forms_to_send,
    learns_integer_phone,
    phone_form,
    search_words,
)
from destination_crm_contacts.config import CrmConfig
from destination_crm_contacts.errors import FailedAnswer, RecordRejectedError, StillFailingError, Suspect

_PATH_SETTINGS = "crm.base_url and crm.contacts_path"
_GONE = (404, 410)


class CrmClient:
    def __init__(self, http: TargetHttp, config: CrmConfig) -> None:
        self._http = http
        self._config = config
        self.readings = CrmReadings(config)
        self._edit_lock = threading.Lock()
        # Paths whose answers showed the API is there (anything but a 404 or 405): a path that has
        # only ever answered 404 has proven nothing, so its 404 cannot mean "no such contact".
        self._proven: set[str] = set()
        # Reentrant: a proof that must delete what it created deletes through `_deletes`.
        self._proof_lock = threading.RLock()
        self._deletes = CrmDeletes(http, config, self.readings, self._proven, self.prove_path)

    # Search.
    def search(self, field: str, term: str) -> SearchAnswer:
        """Contacts whose `field` matches `term`, as the CRM matches it (exactly, or as a
        substring), and the shape of the answer."""
        return self._answer(self._search_at(self.readings.search_in, field, term), field)

    def learn_search(self, field: str, term: str, unheld: str | None = None) -> SearchAnswer:
        """Searches `field` for `term` until a place of the filters is proven: a server that does
        not read them where they are sent refuses the search, or matches every contact. Keeps that
        place; fails naming the setting when none is proven.

        Without `unheld`, `term` is a value no contact holds, and only finding nothing proves the
        place. With it, `term` may be held (a sync's first marker search, which so learns as it
        looks): a contact found proves the place when its fields show the term, or, on a CRM
        answering ids alone, when a search for `unheld`, a value no contact holds, finds nothing."""
        tried = []
        places = self.readings.search_places()
        for place in places:
            response = self._search_at(place, field, term)
            if response.status_code in CONTENT_REFUSALS:
                tried.append(f"in {search_words(place)}, refused ({error_reason(response)})")
                continue
            answer = self._answer(response, field)
            if answer.contacts and not self._filters_read(place, field, term, answer, unheld):
                tried.append(f"in {search_words(place)}, found contact {answer.contacts[0].id}")
                continue
            self.readings.learn_search(place)
            return answer
        if len(places) == 1:
            fix = "set crm.search_parameters_in to auto, which finds where the CRM reads them"
        else:
            fix = (
                "no value of crm.search_parameters_in helps; check crm.contacts_path (the CRM's search) "
                "and crm.identity_field (a field it searches)"
            )
        raise TargetError(
            f"crm: a search of {field} for {term!r} must find "
            f"{'nothing' if unheld is None else 'nothing, or contacts holding it'}, yet with the "
            f"filters {'; '.join(tried)}: the CRM does not read the filters there. To fix: {fix}.",
            FailureType.config_error,
        )

    def _filters_read(
        self, place: str, field: str, term: str, answer: SearchAnswer, unheld: str | None
    ) -> bool:
        """Whether the contacts `answer` found for `term` show the filters were read at `place`."""
        if unheld is None:
            return False
        if all(contact.fields and field in contact.fields for contact in answer.contacts):
            return all(term in str((contact.fields or {})[field] or "") for contact in answer.contacts)
        # Ids alone, or fields without the one searched: only a search for `unheld` can tell.
        return not self._answer(self._search_at(place, field, unheld), field).contacts

    def _search_at(self, place: str, field: str, term: str) -> requests.Response:
        query = {"searchby": field, "search": term}
        params = query if place in ("both", "query") else None
        body = query if place in ("both", "body") else None
        return self._http.send("GET", self._config.contacts_path, params=params, json=body)

    def _answer(self, response: requests.Response, field: str) -> SearchAnswer:
        if response.status_code == 404:
            return SearchAnswer([], Shape.NOT_FOUND)
        if not response.ok:
            raise TargetError(
                f"crm: a search by {field} answered {error_reason(response)}: check crm.contacts_path "
                "and crm.search_parameters_in (auto finds where the CRM reads the filters).",
                FailureType.config_error,
            )
        self._proven.add(self._config.contacts_path)
        body = json_body(response)
        return SearchAnswer(parse_contacts(body), shape_of(body))

    # Create.
    def create(self, contact: Mapping[str, Any]) -> str | FailedAnswer | None:
        """The new contact's id. None when the answer was lost or failed, so the create may or may
        not have happened: the caller looks the contact up before trying again."""
        body = phone_form(self.readings, contact)
        try:
            response = self._http.send_once("POST", self._config.contacts_path, json=body)
        except StillFailingError as error:
            # `check` fails on its first 5xx: it names the phone's form too.
            raise self._doubting_phone(error, body) from error
        if response is None:
            return None
        if response.status_code >= 500:
            suspect = self._phone_suspect(body)
            return FailedAnswer(response.status_code, error_reason(response) + _hint(suspect), suspect)
        if response.status_code not in (404, 405):
            self._proven.add(self._config.contacts_path)
        if not response.ok:
            if learns_integer_phone(self.readings, body, response):
                return self.create(contact)
            raise refusal("crm", "POST", self._config.contacts_path, response, _PATH_SETTINGS)
        self._took_phone(body)
        created = parse_contacts(json_body(response))
        # Written, yet with no id in the answer: an empty id sends the caller to look it up.
        return created[0].id if created else ""

    # Edit.
    def edit(self, contact_id: str, fields: Mapping[str, Any], first_name: str | None = None) -> bool:
        """True once the answer names the contact edited; False when the contact no longer exists.
        `fields["name"]` is the full name; `first_name` its first name, which is all a CRM that sets
        the first name to an edited name can take."""
        learning = "name" in fields and self.readings.edit_name is None
        if self.readings.edit_learnt and not learning:
            return self._edit(contact_id, self._named(fields, first_name))
        with self._edit_lock:
            done = self._edit(contact_id, self._named(fields, first_name))
            if done and self.readings.edit_name is None:
                self._learn_edit_name(contact_id, fields, first_name)
            return done

    def _named(self, fields: Mapping[str, Any], first_name: str | None) -> Mapping[str, Any]:
        if self.readings.edit_name == "first_name" and "name" in fields and first_name:
            return {**fields, "name": first_name}
        return fields

    def _learn_edit_name(self, contact_id: str, fields: Mapping[str, Any], first_name: str | None) -> None:
        """After the first edit of a name of two words or more: a search of first_name for the
        whole name finds the contact only on a CRM that set its first name to it (and not a first
        and a last name); that CRM is then sent the first name alone, starting with this contact."""
        name = str(fields.get("name") or "")
        if " " not in name.strip():
            return
        found = [contact.id for contact in self.search("first_name", name).contacts]
        if contact_id not in found:
            self.readings.learn_edit_name("split")
            return
        self.readings.learn_edit_name("first_name")
        if first_name:
            self._edit(contact_id, {**fields, "name": first_name})

    def _edit(self, contact_id: str, fields: Mapping[str, Any]) -> bool:
        changes = phone_form(self.readings, fields)
        spellings = self.readings.edit_spellings()
        refused: list[str] = []
        ignored: list[str] = []

        def post(spelling: str, learning: bool) -> requests.Response:
            id_name, fields_name = EDIT_SPELLINGS[spelling]
            send = self._http.send_while_learning if learning else self._http.send
            try:
                return send("POST", self._config.edit_path, json={id_name: contact_id, fields_name: changes})
            except StillFailingError as error:
                raise self._doubting_phone(error, changes) from error

        # An edit not taken changes nothing.
        for spelling, _, answer in forms_to_send(spellings, lambda spelling: post(spelling, True)):
            id_name, fields_name = EDIT_SPELLINGS[spelling]
            response = answer if answer is not None else post(spelling, False)
            if response.status_code in _GONE:
                # Only a server that read the id looks the contact up.
                self.prove_path(self._config.edit_path, "crm.base_url and crm.edit_path")
                self.readings.learn_edit(spelling)
                return False
            if response.ok:
                named = answered_id(json_body(response))
                if named == contact_id:
                    self._proven.add(self._config.edit_path)
                    self.readings.learn_edit(spelling)
                    self._took_phone(changes)
                    return True
                what = f"contact {named}" if named else "no contact"
                ignored.append(f"{id_name}/{fields_name} answered HTTP {response.status_code} naming {what}")
                continue
            if response.status_code not in CONTENT_REFUSALS:
                settings = "crm.base_url, crm.edit_path and crm.edit_spelling"
                raise refusal("crm", "POST", self._config.edit_path, response, settings)
            if learns_integer_phone(self.readings, changes, response):
                return self._edit(contact_id, fields)
            refused.append(f"{id_name}/{fields_name}: {error_reason(response)}")
        if refused:
            # A spelling the server reads refused the record's content: it alone is rejected.
            raise RecordRejectedError("; ".join(refused))
        fix = "auto" if len(spellings) == 1 else "the spelling this CRM takes"
        raise TargetError(
            f"crm: the edit of contact {contact_id} was not taken ({'; '.join(ignored)}): an edit is "
            f"done only when its answer names the contact. Set crm.edit_spelling to {fix}.",
            FailureType.config_error,
        )

    # Delete.
    def delete(self, contact_id: str) -> bool:
        """True when deleted, False when the contact was already gone (which counts as deleted)."""
        return self._deletes.delete(contact_id)

    # What the answers prove.
    def prove_path(self, path: str, settings: str) -> None:
        """Fails unless `path` is the API's: a path that has only answered 404 is asked once with
        an empty POST, which the CRM refuses (its create and edit require fields) and writes
        nothing for, while a path that leads nowhere answers 404 or 405 again."""
        with self._proof_lock:
            if path in self._proven:
                return
            response = self._http.send_once("POST", path, json={})
            if response is None:
                raise TargetError(f"crm: POST {path} with an empty body got no answer: check {settings}.")
            if response.status_code in (404, 405):
                raise TargetError(
                    f"crm: every answer of {self._http.host}{path} was HTTP {response.status_code}, also "
                    f"to a request the CRM's API refuses: this is not the API's path, so its 404s "
                    f"prove nothing. Check {settings}.",
                    FailureType.config_error,
                )
            self._proven.add(path)
            created = answered_id(json_body(response)) if response.ok else None
            if created and path == self._config.contacts_path:
                # A server that takes an empty contact: it is not left behind.
                self._deletes.delete(created)

    # The phone's form, as far as writes show it.
    def _took_phone(self, sent: Mapping[str, Any]) -> None:
        if isinstance(sent.get("phone"), str):
            self.readings.learn_phone("text")

    def _phone_suspect(self, sent: Mapping[str, Any]) -> Suspect | None:
        """While no text phone was taken, a bare 500 to a write with one may be a CRM that types the
        phone Integer and leaves its refusal unhandled: it says nothing of the type, so only the
        user can pin it."""
        if not isinstance(sent.get("phone"), str) or not self.readings.phone_may_change:
            return None
        return Suspect(
            "crm: every write that sent a phone as text still failed with a bare 500, while the CRM "
            "took other writes and no text phone: a CRM that types the phone Integer answers so when "
            "its validation error is unhandled, and no request that writes nothing can tell. Set "
            "crm.phone_as to integer (phones are then sent as their digits), or to text if the CRM "
            "does take text phones (each such record is then rejected on its own).",
            lambda: self.readings.phone_may_change,
        )

    def _doubting_phone(self, error: StillFailingError, sent: Mapping[str, Any]) -> StillFailingError:
        suspect = self._phone_suspect(sent)
        return StillFailingError(f"{error}{_hint(suspect)}", suspect)


def _hint(suspect: Suspect | None) -> str:
    if suspect is None:
        return ""
    return (
        " (the record's phone was sent as text: if the CRM types the phone Integer and answers a "
        "text phone with a bare 500, set crm.phone_as to integer)"
    )
