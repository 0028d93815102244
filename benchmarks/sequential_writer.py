"""The destination's baseline: the same requests, sent one after another on one session.

It writes contacts into an empty target the way our destination does, request for request:
- CRM: one search for every contact holding a `[source-id:` marker (to know the managed ones),
  then per contact a search by email (a contact to adopt?) and a create with the marker in notes;
  under the `strict` profile, where no search lists and an answer is a contact's id alone, a
  search by the contact's marker and the create (an id does not show whether the contact it
  names is marked, so a search by email could adopt nothing);
- Client Contacts: the pages of the collection (to know the managed ones), then one create per
  contact with its source id in `integration_meta.external_id`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import requests

CRM_KEY = "crm-test-key"
CLIENT_CONTACTS_KEY = "client-contacts-test-key"


def write(
    target: str, sandbox_url: str, contacts: Iterable[dict[str, Any]], profile: str = "lenient"
) -> float:
    """Seconds taken to upsert every contact; the session's set-up is not counted."""
    session = requests.Session()
    if target == "crm":
        return _write_crm(session, f"{sandbox_url}/crm", contacts, strict=profile == "strict")
    if target == "client_contacts":
        return _write_client_contacts(session, f"{sandbox_url}/client-contacts", contacts)
    raise ValueError(f"unknown target {target!r}")


def _write_crm(
    session: requests.Session, base: str, contacts: Iterable[dict[str, Any]], *, strict: bool
) -> float:
    """Under `strict` the CRM cannot list its managed contacts, and answers ids alone: each costs a
    search by its marker instead of one by its email."""
    session.headers["x-api-key"] = CRM_KEY
    started = time.perf_counter()
    if not strict:
        _ok(
            session.get(f"{base}/contacts", params={"searchby": "notes", "search": "[source-id:"}, timeout=30)
        )
    for contact in contacts:
        email = contact["emails"][0]["email"]
        if strict:
            marker = f"[source-id:{contact['id']}]"
            _found(
                session.get(f"{base}/contacts", params={"searchby": "notes", "search": marker}, timeout=30)
            )
        else:
            _found(session.get(f"{base}/contacts", params={"searchby": "email", "search": email}, timeout=30))
        _ok(session.post(f"{base}/contacts", json=crm_create_body(contact), timeout=30))
    return time.perf_counter() - started


def _write_client_contacts(session: requests.Session, base: str, contacts: Iterable[dict[str, Any]]) -> float:
    session.headers["Authorization"] = f"Bearer {CLIENT_CONTACTS_KEY}"
    started = time.perf_counter()
    page = 1
    while True:
        params = {"page": str(page), "per_page": "100", "sort": "_id"}
        listing = _ok(session.get(f"{base}/contacts", params=params, timeout=30))
        if not listing["data"] or not listing["pagination"].get("next_page"):
            break
        page += 1
    for contact in contacts:
        body = {
            "name": f"{contact['first_name']} {contact['last_name']}",
            "email": contact["emails"][0]["email"],
            "phone1": contact["phones"][0]["number"],
            "integration_meta": {"external_id": contact["id"]},
        }
        _ok(session.post(f"{base}/contacts", json=body, timeout=30))
    return time.perf_counter() - started


def crm_create_body(contact: dict[str, Any]) -> dict[str, Any]:
    """A source contact as the CRM's create call takes it, marker in `notes`, as our destination
    writes it (both sequential writers send the same body)."""
    return {
        "first_name": contact["first_name"],
        "last_name": contact["last_name"],
        "email": contact["emails"][0]["email"],
        "phone": contact["phones"][0]["number"],
        "company": contact["company"],
        "notes": f"[source-id:{contact['id']}]",
    }


def _found(response: requests.Response) -> Any:
    """A search's answer; 404 is "no match" under `strict`."""
    return None if response.status_code == 404 else _ok(response)


def _ok(response: requests.Response) -> Any:
    response.raise_for_status()
    return response.json()
