"""What a run wrote survives a restart of the server on the same database file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import requests

from contacts_sandbox.testing import SandboxProcess


def test_given_writes_and_churn_when_the_server_restarts_on_its_file_then_everything_is_still_there(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "sandbox.db")
    with SandboxProcess(contacts=30, seed=4, db=db) as first:
        created = requests.post(
            f"{first.url}/crm/contacts",
            json={"first_name": "Kept", "email": "kept@example.com"},
            headers={"x-api-key": "crm-test-key"},
            timeout=5,
        ).json()["id"]
        first.admin.churn("custom", create=1, update=1, delete=1)
        custom = first.admin.dump("custom")
        company = first.admin.dump("company")
    # Documents are JSON text: what a run wrote can be queried with SQLite alone.
    with sqlite3.connect(db) as connection:
        emails = connection.execute("SELECT id, json_extract(doc, '$.email') FROM crm_contacts").fetchall()
    assert emails == [(created, "kept@example.com")]
    with SandboxProcess(contacts=30, seed=4, db=db) as second:
        assert [contact["id"] for contact in second.admin.dump("crm")] == [created]
        assert second.admin.dump("custom") == custom, "a non-empty database is not reseeded"
        assert second.admin.dump("company") == company
        created_next = second.admin.churn("custom", create=1)["created"][0]
        assert int(created_next) > max(
            int(i) for i in custom["deleted"] + [c["id"] for c in custom["contacts"]]
        )


def test_given_a_reset_on_a_file_when_the_server_restarts_then_it_serves_the_reset_data_and_later_writes(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "sandbox.db")
    with SandboxProcess(contacts=30, seed=4, db=db) as first:
        first.admin.churn("custom", create=2, delete=2)
        first.admin.reset(seed=9, contacts=12)
        first.admin.churn("company", create=1)
        custom, company = first.admin.dump("custom"), first.admin.dump("company")
    with SandboxProcess(contacts=30, seed=4, db=db) as second:
        assert second.admin.dump("custom") == custom
        assert len(custom["contacts"]) == 12
        assert second.admin.dump("company") == company
