"""How this CRM reads the points its document leaves open, as learnt from its own answers.

The document shows two forms of several requests: the search's fields in a query string (a GET) or
in a JSON body (its example); the edit's id and changes as `contact_id`/`update_fields` (its table)
or `contactID`/`updateFields` (its example); the phone typed Integer yet shown as `"+1234567890"`;
the delete's id with no place said. A real server takes one form of each. Each point starts at the
setting (`auto` unless the user pins a form) and, under `auto`, is learnt from the first answer that
shows which form the server reads, by requests that change nothing when the form is wrong (a
refused or ignored request): once learnt it holds for the sync.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import requests

from destination_crm_contacts.clients.answers import CONTENT_REFUSALS, error_reason
from destination_crm_contacts.config import CrmConfig

AUTO = "auto"

# Where a search sends `searchby` and `search`. `both` sends them in the query string and in a
# JSON body at once, so the filter arrives whichever of the two the server reads: a server that
# reads the other place would otherwise see no filter at all and refuse it, or match every contact.
SEARCH_PLACES = ("both", "query", "body")
# The edit's spellings: the document's field table, and its example.
EDIT_SPELLINGS = {
    "table": ("contact_id", "update_fields"),
    "example": ("contactID", "updateFields"),
}
# Where a delete sends the contact's id: a JSON body (the document's example), the query string,
# or the path (`DELETE <contacts_path>/<id>`).
DELETE_PLACES = ("body", "query", "path")
PHONE_FORMS = ("text", "integer")

Form = TypeVar("Form")


def forms_to_send(
    forms: Sequence[Form], send_learning: Callable[[Form], requests.Response]
) -> Iterator[tuple[Form, bool, requests.Response | None]]:
    """Each form in turn, whether it was sent while learning, and the answer to keep (None: send
    it with every retry). While the form is unknown, each is sent first with a bare 500 handed
    back, and one so answered comes again only after the others were tried: a CRM may refuse a
    form it does not read so, and waiting out the retries of that one would never reach the one it
    reads."""
    tries = deque((form, len(forms) > 1) for form in forms)
    while tries:
        form, learning = tries.popleft()
        answer = send_learning(form) if learning else None
        if answer is not None and answer.status_code == 500:
            tries.append((form, False))
        else:
            yield form, learning, answer


# Words of a refusal that says the phone must be a number.
_NUMBER_WORDS = re.compile(r"\b(integer|int|number|numeric|digits)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Learnt:
    """What the readings are now, for `check`'s message and the log."""

    search_in: str | None
    edit_spelling: str | None
    phone_as: str | None
    delete_id_in: str | None
    edit_name: str | None = None

    def describe(self) -> str:
        return ", ".join(
            (
                f"search filters in {_SEARCH_WORDS.get(self.search_in or '', 'an unknown place')}",
                f"edit spelled {_spelling_words(self.edit_spelling)}",
                f"phone as {self.phone_as or 'text (no refusal seen)'}",
                f"delete id in {_DELETE_WORDS.get(self.delete_id_in or '', 'an unknown place')}",
                f"an edited name {_NAME_WORDS.get(self.edit_name or '', 'not learnt')}",
            )
        )


_SEARCH_WORDS = {
    "both": "the query string and a JSON body",
    "query": "the query string",
    "body": "a JSON body",
}
_NAME_WORDS = {
    "split": "split into first and last name",
    "first_name": "set as the first name alone",
}
_DELETE_WORDS = {"body": "a JSON body", "query": "the query string", "path": "the path"}


def search_words(place: str) -> str:
    return _SEARCH_WORDS[place]


def _spelling_words(spelling: str | None) -> str:
    if spelling is None:
        return "either way (not learnt)"
    first, second = EDIT_SPELLINGS[spelling]
    return f"{first}/{second} ({spelling})"


class CrmReadings:
    """The readings in force for one CRM, pinned by settings or learnt; thread-safe.

    `*_places` and `edit_spellings` give the forms to try, in order: the learnt or pinned one
    alone, or every one while `auto` has not learnt yet. `learn_*` keeps the one the server's
    answer proved. None is a point not learnt yet."""

    def __init__(self, config: CrmConfig) -> None:
        self._lock = threading.Lock()
        self._edit_name = None if config.edit_name == AUTO else config.edit_name
        self._search_in = None if config.search_parameters_in == AUTO else config.search_parameters_in
        self._edit_spelling = None if config.edit_spelling == AUTO else config.edit_spelling
        self._phone_as = None if config.phone_as == AUTO else config.phone_as
        self._delete_id_in = None if config.delete_id_in == AUTO else config.delete_id_in

    def learnt(self) -> Learnt:
        with self._lock:
            return Learnt(
                self._search_in, self._edit_spelling, self._phone_as, self._delete_id_in, self._edit_name
            )

    # Search.
    def search_places(self) -> tuple[str, ...]:
        with self._lock:
            return (self._search_in,) if self._search_in else SEARCH_PLACES

    @property
    def search_in(self) -> str:
        with self._lock:
            return self._search_in or SEARCH_PLACES[0]

    def learn_search(self, place: str) -> None:
        with self._lock:
            self._search_in = place

    # Edit.
    def edit_spellings(self) -> tuple[str, ...]:
        with self._lock:
            return (self._edit_spelling,) if self._edit_spelling else tuple(EDIT_SPELLINGS)

    @property
    def edit_learnt(self) -> bool:
        with self._lock:
            return self._edit_spelling is not None

    def learn_edit(self, spelling: str) -> None:
        with self._lock:
            self._edit_spelling = spelling

    # What an edit of `name` does: split it at its first space, or set the first name to it.
    @property
    def edit_name(self) -> str | None:
        with self._lock:
            return self._edit_name

    def learn_edit_name(self, reading: str) -> None:
        with self._lock:
            self._edit_name = reading

    # Phone.
    @property
    def phone_as_integer(self) -> bool:
        with self._lock:
            return self._phone_as == "integer"

    @property
    def phone_may_change(self) -> bool:
        """Whether a refusal of a text phone may still turn phones into integers."""
        with self._lock:
            return self._phone_as is None

    def learn_phone(self, form: str) -> None:
        with self._lock:
            if self._phone_as is None:
                self._phone_as = form

    # Delete.
    def delete_places(self) -> tuple[str, ...]:
        with self._lock:
            return (self._delete_id_in,) if self._delete_id_in else DELETE_PLACES

    def learn_delete(self, place: str) -> None:
        with self._lock:
            self._delete_id_in = place


def names_number_type(reason: str, field: str = "phone") -> bool:
    """Whether a refusal says `field` must be a number (an Integer, as the document types it)."""
    return field in reason.lower() and _NUMBER_WORDS.search(reason) is not None


def phone_as_integer(value: object) -> int | None:
    """The phone as the integer a CRM that types it Integer takes: its digits alone (a leading `+`,
    spaces and dashes are lost). None when it holds no digit: such a phone is not sent."""
    digits = re.sub(r"\D", "", str(value or ""))
    return int(digits) if digits else None


def phone_form(readings: CrmReadings, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields with the phone as this CRM takes it: text, or its digits as an integer (a
    phone with no digit is then not sent)."""
    body = dict(fields)
    if readings.phone_as_integer and isinstance(body.get("phone"), str):
        number = phone_as_integer(body.pop("phone"))
        if number is not None:
            body["phone"] = number
    return body


def learns_integer_phone(readings: CrmReadings, sent: Mapping[str, Any], response: requests.Response) -> bool:
    """Whether this refusal of a text phone says it must be a number: phones are then sent as
    integers from now on, and the request is sent again."""
    if response.status_code not in CONTENT_REFUSALS or not isinstance(sent.get("phone"), str):
        return False
    if readings.phone_as_integer:
        return True  # learnt by another write since this one was sent: sent again as an integer
    if not readings.phone_may_change or not names_number_type(error_reason(response)):
        return False
    readings.learn_phone("integer")
    return True
