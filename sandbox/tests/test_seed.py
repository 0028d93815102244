"""The seeded data: reproducible, and holding every awkward kind the connectors must handle."""

from __future__ import annotations

from contacts_sandbox import seed

PHONE_LABELS = {"mobile", "work", "home", "fax", "other"}
EMAIL_LABELS = {"private", "business", "other"}


def test_given_a_seed_when_generating_twice_then_the_same_contacts() -> None:
    assert list(seed.custom_contacts(3, 50)) == list(seed.custom_contacts(3, 50))
    assert list(seed.custom_contacts(3, 50)) != list(seed.custom_contacts(4, 50))

    def company_data(seed_value: int) -> list[tuple[str, list[dict[str, object]], list[dict[str, object]]]]:
        return [(c.key, c.tags, list(c.contacts)) for c in seed.companies(seed_value, 50, ("a", "b"))]

    assert company_data(3) == company_data(3)
    assert company_data(3) != company_data(4)


def test_given_twenty_contacts_when_generated_then_every_awkward_kind_is_there() -> None:
    contacts = [item.contact for item in seed.custom_contacts(42, 20)]
    assert any("type" not in c for c in contacts)
    assert any(c.get("type") not in (None, "customer", "lead") for c in contacts)
    assert any(not c["emails"] for c in contacts)
    assert any(not c["phones"] for c in contacts)
    assert any(not (c["first_name"] + c["last_name"]).isascii() for c in contacts)
    assert any(p["label"] not in PHONE_LABELS for c in contacts for p in c["phones"])
    assert any(e["label"] not in EMAIL_LABELS for c in contacts for e in c["emails"])


def test_given_seeded_contacts_when_generated_then_ids_are_unique_digit_strings_in_numeric_order() -> None:
    ids = [item.contact["id"] for item in seed.custom_contacts(42, 500)]
    assert all(i.isdigit() for i in ids)
    assert len(set(ids)) == 500
    assert [int(i) for i in ids] == sorted(int(i) for i in ids)


def test_given_seeded_changes_when_generated_then_all_in_the_past_before_2026() -> None:
    assert all(
        seed.SEED_EPOCH <= item.changed_at < seed.SEED_EPOCH + seed.SEED_SPAN_SECONDS
        for item in seed.custom_contacts(1, 100)
    )
