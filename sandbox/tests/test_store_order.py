"""The stores keep their orders in step with every write: each equals a fresh sort after any writes."""

from __future__ import annotations

import random

import orjson

from contacts_sandbox import seed as seeding
from contacts_sandbox.store import CompanyContactStore, CustomContactStore, connect

KEYS = ("company-a-key",)


def _custom_ids(raws: list[bytes]) -> list[str]:
    return [orjson.loads(raw)["id"] for raw in raws]


def test_given_random_writes_after_a_read_when_reading_again_then_both_orders_match_a_fresh_sort() -> None:
    store = CustomContactStore(connect(":memory:"))
    store.load(seeding.custom_contacts(5, 40))
    rng = random.Random(11)
    # A read first builds the orders; every write after it must keep them, not drop them.
    store.page(0, 1000), store.page(0, 1000, by_change=True), store.delta(0, 0, 1000)
    now = 2_000_000_000.0
    for step in range(60):
        ids = store.ids()
        action = rng.choice(("update", "delete", "create")) if len(ids) >= 5 else "create"
        if action == "delete":
            store.delete(rng.choice(ids), now + step)
            continue
        contact_id = int(store.new_id()) if action == "create" else int(rng.choice(ids))
        # A third of a step apart: some writes share a change time, so the tie on id is exercised.
        store.put(seeding.custom_contact(rng, contact_id, step), now + step // 3)

    fresh = CustomContactStore(store._db)  # built from the same rows, sorted from scratch
    assert _custom_ids(store.page(0, 1000)[0]) == _custom_ids(fresh.page(0, 1000)[0])
    assert _custom_ids(store.page(0, 1000, by_change=True)[0]) == _custom_ids(
        fresh.page(0, 1000, by_change=True)[0]
    )
    assert store.delta(0, 0, 1000) == fresh.delta(0, 0, 1000)
    assert _custom_ids(store.page(0, 1000)[0]) == store.ids()


def test_given_updates_after_a_read_when_reading_the_company_by_change_then_a_fresh_sort() -> None:
    db = connect(":memory:")
    store = CompanyContactStore(db, KEYS)
    store.load(seeding.companies(5, 30, KEYS))
    rng = random.Random(12)
    store.contacts(KEYS[0], None), store.contacts(KEYS[0], None, by_change=True)
    tags = store.tag_list(KEYS[0])
    for step in range(40):
        ids = store.ids(KEYS[0])
        if step % 4 == 3:
            store.delete(KEYS[0], rng.choice(ids))
            continue
        contact_id = int(store.new_id()) if step % 4 == 2 else int(rng.choice(ids))
        changed = seeding.company_contact(rng, contact_id, step, tags, now=2_000_000_000.0 + step // 2)
        store.put(KEYS[0], changed)

    fresh = CompanyContactStore(db, KEYS)
    for by_change in (False, True):
        assert store.contacts(KEYS[0], None, by_change=by_change) == fresh.contacts(
            KEYS[0], None, by_change=by_change
        )
    by_change = [orjson.loads(raw) for raw in store.contacts(KEYS[0], None, by_change=True)]
    keys = [(contact["updated_at"], int(contact["id"])) for contact in by_change]
    assert keys == sorted(keys)
