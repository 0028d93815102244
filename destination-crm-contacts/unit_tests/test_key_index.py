"""The index of managed contacts keeps its first entries in memory and the rest on disk; a reader
sees one mapping either way, and a sync past the bound writes as one within it."""

from __future__ import annotations

import pytest

from destination_crm_contacts.targets import key_index
from destination_crm_contacts.targets.client_contacts import Managed
from destination_crm_contacts.targets.crm_index import Known
from destination_crm_contacts.targets.key_index import KeyIndex
from unit_tests.builders import ConfigBuilder, catalog, custom_contact, record, state, tombstone
from unit_tests.conftest import totals_of, write
from unit_tests.fakes import FakeClientContacts, FakeCrm

KEYS = [str(number) for number in range(1, 6)]


@pytest.fixture
def index() -> KeyIndex[Known]:
    index: KeyIndex[Known] = KeyIndex(in_memory=2)
    for key in KEYS:
        index[key] = Known(f"id-{key}", key.encode() * 3)
    return index


class TestKeyIndex:
    def test_given_more_keys_than_memory_holds_then_every_entry_reads_back_as_written(
        self, index: KeyIndex[Known]
    ) -> None:
        assert index.on_disk
        written = {key: Known(f"id-{key}", key.encode() * 3) for key in KEYS}
        assert {key: index[key] for key in KEYS} == written
        assert (sorted(index), len(index)) == (KEYS, 5)

    def test_given_a_key_on_disk_when_it_is_written_again_then_the_new_entry_replaces_it(
        self, index: KeyIndex[Known]
    ) -> None:
        index["5"] = Known("id-new", None)

        assert (index["5"], len(index)) == (Known("id-new", None), 5)

    @pytest.mark.parametrize("key", ["1", "5"], ids=["in-memory", "on-disk"])
    def test_given_a_deleted_key_then_it_is_gone_and_the_others_stay(
        self, index: KeyIndex[Known], key: str
    ) -> None:
        del index[key]

        assert (key in index, index.get(key)) == (False, None)
        assert sorted(index) == [other for other in KEYS if other != key]
        with pytest.raises(KeyError):
            del index[key]

    def test_given_room_freed_in_memory_when_a_key_on_disk_is_written_and_deleted_then_it_stays_gone(
        self, index: KeyIndex[Known]
    ) -> None:
        del index["1"]

        index["5"] = Known("id-new", None)
        del index["5"]

        assert ("5" in index, sorted(index), len(index)) == (False, ["2", "3", "4"], 3)

    def test_given_a_key_never_written_then_it_is_missing_on_both_sides(self, index: KeyIndex[Known]) -> None:
        assert ("6" in index, index.get("6"), index.pop("6", None)) == (False, None, None)
        with pytest.raises(KeyError):
            index["6"]

    def test_given_entries_with_nested_fields_then_they_survive_the_disk(self) -> None:
        index: KeyIndex[Managed] = KeyIndex(in_memory=0)
        entry = Managed("abc", b"\x00\x01", {"integration_meta": {"sync_status": "active"}}, ("email",))

        index["1"] = entry

        assert index["1"] == entry

    def test_given_a_closed_index_then_it_is_empty(self, index: KeyIndex[Known]) -> None:
        index.close()

        assert (len(index), index.on_disk, "5" in index) == (0, False, False)


@pytest.fixture
def small_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(key_index, "IN_MEMORY_ENTRIES", 2)


def changes_of_five_contacts() -> list:
    created = [record(custom_contact(key)) for key in KEYS]
    changed = [record(custom_contact(key, first_name="Changed")) for key in KEYS[:3]]
    return [*created, state(1), *changed, tombstone("4"), state(2)]


@pytest.mark.usefixtures("small_memory")
class TestSyncPastTheMemoryBound:
    def test_given_client_contacts_then_contacts_on_disk_are_updated_and_deleted_not_created_again(
        self, client_contacts: FakeClientContacts, log_records: pytest.LogCaptureFixture
    ) -> None:
        write(ConfigBuilder().only_client_contacts().build(), catalog(), changes_of_five_contacts())

        names = sorted(document["name"].split()[0] for document in client_contacts.documents.values())
        assert names == ["Ada", "Changed", "Changed", "Changed"]
        totals = totals_of(log_records)["client_contacts"]
        assert (totals["created"], totals["updated"], totals["deleted"]) == (5, 3, 1)

    def test_given_a_crm_that_lists_then_contacts_on_disk_are_edited_and_deleted_not_created_again(
        self, crm: FakeCrm
    ) -> None:
        write(ConfigBuilder().only_crm().build(), catalog(), changes_of_five_contacts())

        assert sorted(contact["notes"] for contact in crm.contacts.values()) == [
            f"[source-id:{key}]" for key in ("1", "2", "3", "5")
        ]
        assert sorted(contact["first_name"] for contact in crm.contacts.values()) == [
            "Ada",
            "Changed",
            "Changed",
            "Changed",
        ]
