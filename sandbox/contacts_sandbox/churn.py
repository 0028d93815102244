"""Creates, updates and deletes source contacts now, so a delta or an incremental read has work."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from contacts_sandbox import seed as seeding
from contacts_sandbox.store import Store


@dataclass
class ChurnResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def _pick(rng: random.Random, ids: list[str], update: int, delete: int) -> tuple[list[str], list[str]]:
    """Distinct contacts to update and to delete, among those that existed before the churn."""
    chosen = rng.sample(ids, k=min(len(ids), update + delete))
    return chosen[:update], chosen[update:]


def churn_custom(
    store: Store, rng: random.Random, create: int, update: int, delete: int, seconds_ago: float = 0
) -> ChurnResult:
    now = time.time() - seconds_ago

    def edit(contact_id: str) -> None:
        changed = seeding.custom_contact(rng, int(contact_id), rng.randrange(20))
        # Same person, new details: keep the name so the update reads as an edit.
        previous = store.custom.get(contact_id)
        changed["first_name"], changed["last_name"] = previous["first_name"], previous["last_name"]
        store.custom.put(changed, now)

    def add() -> str:
        contact_id = store.custom.new_id()
        store.custom.put(seeding.custom_contact(rng, int(contact_id), rng.randrange(20)), now)
        return contact_id

    to_update, to_delete = _pick(rng, store.custom.ids(), update, delete)
    with store.transaction():
        return _apply(
            to_update, to_delete, create, edit, lambda contact_id: store.custom.delete(contact_id, now), add
        )


def churn_company(
    store: Store,
    rng: random.Random,
    company: str,
    create: int,
    update: int,
    delete: int,
    seconds_ago: float = 0,
) -> ChurnResult:
    now = time.time() - seconds_ago
    tags = store.company.tag_list(company)

    def edit(contact_id: str) -> None:
        previous = store.company.get(company, contact_id)
        changed = seeding.company_contact(rng, int(contact_id), rng.randrange(20), tags, now=now)
        changed["first_name"], changed["last_name"] = previous["first_name"], previous["last_name"]
        changed["created_at"] = previous["created_at"]
        store.company.put(company, changed)

    def add() -> str:
        contact_id = store.company.new_id()
        store.company.put(
            company, seeding.company_contact(rng, int(contact_id), rng.randrange(20), tags, now=now)
        )
        return contact_id

    to_update, to_delete = _pick(rng, store.company.ids(company), update, delete)
    with store.transaction():
        return _apply(
            to_update,
            to_delete,
            create,
            edit,
            lambda contact_id: store.company.delete(company, contact_id),
            add,
        )


def _apply(
    to_update: list[str],
    to_delete: list[str],
    create: int,
    edit: Callable[[str], None],
    remove: Callable[[str], None],
    add: Callable[[], str],
) -> ChurnResult:
    """Updates, then deletions, then creations, in that order: the ids each touched, as it went."""
    result = ChurnResult()
    for contact_id in to_update:
        edit(contact_id)
        result.updated.append(contact_id)
    for contact_id in to_delete:
        remove(contact_id)
        result.deleted.append(contact_id)
    for _ in range(create):
        result.created.append(add())
    return result
