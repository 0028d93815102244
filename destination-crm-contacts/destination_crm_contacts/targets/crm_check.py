"""How `check` proves the CRM settings, since a search alone cannot: a wrong path answers 404,
which a CRM may also mean as "no match". A contact carrying a check marker is created, found by
its marker, edited and deleted, each through the configured paths and request shapes. A dry run
writes nothing, so it only searches."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from airbyte_cdk.models import FailureType

from destination_crm_contacts.clients.crm import CrmClient, CrmContact
from destination_crm_contacts.config import CrmConfig
from destination_crm_contacts.targets.base import RecordRejectedError, TargetError
from destination_crm_contacts.targets.crm_marker import marker

# The source key of the contact `check` creates and deletes (a random suffix follows it).
CHECK_KEY = "connection-check"


def check_crm(
    client: CrmClient,
    config: CrmConfig,
    search_marker: Callable[[str], list[CrmContact]],
    logger: logging.Logger,
    dry_run: bool,
) -> None:
    """`search_marker`: the contacts carrying a source key's marker, as the target finds them."""
    if dry_run:
        client.search(config.identity_field, marker(CHECK_KEY))
        return
    key = f"{CHECK_KEY}-{uuid.uuid4().hex[:12]}"
    fields = {
        "first_name": "Airbyte",
        "last_name": "connection check",
        "email": f"{key}@example.com",
        config.identity_field: marker(key),
    }
    # A read first: a host that cannot be reached, or a key it refuses, is named by it.
    search_marker(key)
    try:
        contact_id = client.create(fields)
    except RecordRejectedError as error:
        raise TargetError(
            f"crm: the CRM refused to create a check contact ({error}): check crm.base_url and "
            "crm.contacts_path.",
            FailureType.config_error,
        ) from error
    if contact_id is None:
        raise TargetError("crm: creating a check contact got no answer: check crm.base_url.")
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
        if not client.edit(contact_id, {"name": "Airbyte connection check"}):
            raise TargetError(
                "crm: editing the check contact answered 404 (not found) right after it was created: "
                "check crm.edit_path and crm.edit_field_names.",
                FailureType.config_error,
            )
    finally:
        if contact_id:
            _delete_check_contact(client, contact_id)
    logger.info(f"crm: check created, found, edited and deleted contact {contact_id}")


def _delete_check_contact(client: CrmClient, contact_id: str) -> None:
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
