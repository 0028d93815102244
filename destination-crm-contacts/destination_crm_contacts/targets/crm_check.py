"""How `check` proves the CRM settings and the CRM's readings by their effect, since a search alone
cannot (a wrong path answers 404, which a CRM may also mean as "no match"):

- a search for a marker no contact holds must find nothing (the CRM reads the filters where they
  are sent);
- a check contact, created with a phone, must be found by its marker;
- its edit must be answered with its id, and seen through a search by its new email;
- once deleted, a search for its marker must no longer find it.

A dry run writes nothing, so it only proves the search."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.crm import CrmClient
from destination_crm_contacts.clients.crm_answers import CrmContact
from destination_crm_contacts.config import CrmConfig
from destination_crm_contacts.errors import RecordRejectedError, TargetError
from destination_crm_contacts.targets.crm_marker import marker

# The source key of the contact `check` creates and deletes (a random suffix follows it).
CHECK_KEY = "connection-check"
CHECK_PHONE = "+1 555 0100"


def check_crm(
    client: CrmClient,
    config: CrmConfig,
    search_marker: Callable[[str], list[CrmContact]],
    logger: logging.Logger,
    dry_run: bool,
) -> str:
    """`search_marker`: the contacts carrying a source key's marker, as the target finds them.
    Returns what was proven, with the readings found."""
    key = f"{CHECK_KEY}-{uuid.uuid4().hex[:12]}"
    # A read first: a host that cannot be reached, or a key it refuses, is named by it.
    client.learn_search(config.identity_field, marker(f"{key}-no-contact-holds-this"))
    if dry_run:
        return f"crm: a dry run only searched; {client.readings.learnt().describe()}"
    fields = {
        "first_name": "Airbyte",
        "last_name": "connection check",
        "email": f"{key}@example.com",
        "phone": CHECK_PHONE,
        config.identity_field: marker(key),
    }
    try:
        contact_id = client.create(fields)
    except RecordRejectedError as error:
        raise TargetError(
            f"crm: the CRM refused to create a check contact ({error}): check crm.base_url, "
            "crm.contacts_path and crm.phone_as.",
            FailureType.config_error,
        ) from error
    if not isinstance(contact_id, str):
        what = "got no answer" if contact_id is None else f"answered {contact_id.reason}"
        raise TargetError(f"crm: creating a check contact {what}: check crm.base_url.")
    found = [contact.id for contact in search_marker(key)]
    contact_id = contact_id or (found[0] if found else "")
    try:
        if contact_id not in found:
            raise TargetError(
                f"crm: a check contact was created, but a search for its marker in "
                f"{config.identity_field} did not find it: check crm.search_parameters_in and "
                "crm.identity_field (the CRM must search that field).",
                FailureType.config_error,
            )
        _edit_and_see(client, contact_id, f"{key}-edited@example.com")
    except BaseException:
        if contact_id:
            _delete_check_contact(client, contact_id, search_marker, key)
        raise
    _delete_check_contact(client, contact_id, search_marker, key)
    proof = f"crm: check created, found, edited and deleted contact {contact_id}, each seen by a search"
    logger.info(proof)
    return f"{proof}; {client.readings.learnt().describe()}"


def _edit_and_see(client: CrmClient, contact_id: str, email: str) -> None:
    """Edits the check contact's email, and searches for the new one: the edit is proven when the
    search finds the contact."""
    try:
        changes = {"name": "Airbyte connection check", "email": email}
        edited = client.edit(contact_id, changes, first_name="Airbyte")
    except RecordRejectedError as error:
        raise TargetError(
            f"crm: the CRM refused to edit the check contact ({error}): check crm.edit_path and "
            "crm.edit_spelling.",
            FailureType.config_error,
        ) from error
    if not edited:
        raise TargetError(
            "crm: editing the check contact answered 404 (not found) right after it was created: "
            "check crm.edit_path and crm.edit_spelling.",
            FailureType.config_error,
        )
    if contact_id not in [contact.id for contact in client.search("email", email).contacts]:
        raise TargetError(
            f"crm: the edit of the check contact was answered with its id, but a search for its new "
            f"email did not find it: the CRM did not take the edit. Set crm.edit_spelling to the other "
            f"spelling than {client.readings.learnt().edit_spelling}.",
            FailureType.config_error,
        )


def _delete_check_contact(
    client: CrmClient, contact_id: str, search_marker: Callable[[str], list[CrmContact]], key: str
) -> None:
    left = f"The check contact {contact_id} ({CHECK_KEY}-...@example.com) is left in the CRM: delete it."
    try:
        deleted = client.delete(contact_id)
    except TargetError as error:
        raise TargetError(f"{error} {left}", error.failure_type) from error
    if not deleted:
        raise TargetError(
            f"crm: deleting the check contact answered 404 (not found): check crm.delete_id_in. {left}",
            FailureType.config_error,
        )
    if contact_id in [contact.id for contact in search_marker(key)]:
        raise TargetError(
            f"crm: deleting the check contact was answered as done, but a search for its marker still "
            f"finds it: check crm.delete_id_in. {left}",
            FailureType.config_error,
        )
