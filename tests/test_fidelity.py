"""Fidelity under churn and faults: after every sync cycle, each target holds exactly the source's
contacts as the destination documents them: none missing, none extra, none stale, no duplicates,
and every record a target refused is in the rejected-records output, for a reason.

The default run is short (for CI); a long one:
    FIDELITY_CYCLES=40 FIDELITY_SEED=11 FIDELITY_CONTACTS=500 .venv/bin/pytest tests/test_fidelity.py -s
Results of long runs are in tests/FIDELITY.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from connector_pair.examples import example_config
from connector_pair.fidelity import Cycle, FidelityRun, RateLimits
from connector_pair.mirror import (
    client_contact_keys,
    company_source_records,
    compare,
    custom_source_records,
)
from connector_pair.readings_matrix import UNLEARNABLE, covering, served, widest
from connector_pair.sync import SyncResult, configured_catalog, discover, run_sync, write_json

from contacts_sandbox.testing import CATALOGUE, EVERY_READING, PRESETS, SandboxProcess

# Each preset for a whole run; then one run whose cycles each serve the next combination of one
# reading per point, so that every reading of the catalogue meets churn and faults in some cycle.
COVERING = "every-reading"


def describe(cycle: Cycle) -> str:
    faults = ", ".join(
        f"{api}: "
        + " ".join(
            f"{name}={value}" for name, value in faults.items() if value and name != "late_create_delay_s"
        )
        for api, faults in cycle.faults.items()
    )
    lines = [
        f"cycle {cycle.number}: churn {cycle.churn or 'none (full sync)'}, during the sync "
        f"{cycle.churn_during_sync or 'none'}; attempts {cycle.attempts}; {cycle.records_read} records read",
        f"  faults: {faults}",
    ]
    if cycle.readings:
        # Only those other than lenient's, which is each point's first reading.
        lenient = {point.key: point.values[0] for point in CATALOGUE}
        changed = [f"{key}={value}" for key, value in cycle.readings.items() if lenient.get(key) != value]
        lines.append(f"  readings: {' '.join(changed) or 'lenient'}")
    lines += [f"  {difference.details()}" for difference in cycle.differences.values()]
    return "\n".join(lines)


@pytest.mark.fidelity_cycles
@pytest.mark.parametrize("readings", [*PRESETS, COVERING])
def test_given_random_churn_and_faults_when_syncing_cycle_after_cycle_then_every_target_mirrors_the_source(
    request: pytest.FixtureRequest, readings: str, tmp_path: Path
) -> None:
    cycles = request.config.getoption("--fidelity-cycles")
    combinations = None
    if readings == COVERING:
        # The first cycle is the full sync: `cycles + 1` syncs, and enough to serve every reading.
        cycles = max(cycles, widest(CATALOGUE) - 1)
        combinations = covering(CATALOGUE, cycles + 1)
        assert cycles + 1 >= widest(CATALOGUE)
        assert served(combinations) == set(EVERY_READING)
        assert not [
            together
            for together in UNLEARNABLE
            for combination in combinations
            if together.items() <= combination.items()
        ]
    seed = request.config.getoption("--fidelity-seed")
    contacts = request.config.getoption("--fidelity-contacts")
    source_limit, target_limit = (
        int(n) for n in request.config.getoption("--fidelity-rate-limits").split(",")
    )
    report: list[str] = []
    results = tmp_path / "fidelity.json"

    def record(cycle: Cycle) -> None:
        # Written after every cycle, so that a run stopped halfway still tells how far it got.
        report.append(describe(cycle))
        results.write_text(json.dumps([done.as_dict() for done in run.cycles], indent=2))

    profile = "lenient" if readings == COVERING else readings
    with SandboxProcess(contacts=contacts, seed=seed, profile=profile) as sandbox:
        run = FidelityRun(
            sandbox.url,
            sandbox.admin,
            tmp_path,
            seed=seed,
            scale=contacts,
            rate_limits=RateLimits(source=source_limit, targets=target_limit),
            readings_of_cycle=None if combinations is None else combinations.__getitem__,
        )
        done = run.run(cycles, on_cycle=record)

    print("\n".join(report))
    print(f"results: {results}")
    failed = [cycle for cycle in done if not cycle.ok]
    assert not failed, (
        f"{readings} readings, seed {seed}, {contacts} contacts: "
        f"cycle {failed[0].number} failed; logs in {tmp_path}\n" + "\n".join(report)
    )
    assert len(done) == cycles + 1
    assert (
        sum(1 for cycle in done if any(cycle.faults[api].get("late_create_rate") for api in cycle.faults)) > 0
    )
    if cycles >= 2:
        deleted = sum(cycle.totals.get("client_contacts", {}).get("deleted", 0) for cycle in done)
        assert deleted > 0, "no cycle deleted anything: the run proves nothing about deletions"
        answers = [status for cycle in done for statuses in cycle.answers.values() for status in statuses]
        assert {"401", "429", "503", "dropped"} <= set(answers), "every kind of fault must have bitten"


def test_given_contacts_whose_phone_the_source_removes_when_synced_then_the_crm_keeps_it_and_counts_it(
    profile: str, tmp_path: Path
) -> None:
    """The CRM's edit types phone and takes no null, so a phone cannot be emptied there: the
    destination keeps it, writes the rest of the change, and counts it as not cleared."""
    with SandboxProcess(contacts=60, seed=5, profile=profile) as sandbox:
        source_config = tmp_path / "source.json"
        destination_config = tmp_path / "destination.json"
        write_json(source_config, example_config("source-custom-contacts.custom-api.json", sandbox.url))
        write_json(destination_config, example_config("destination-crm-contacts.json", sandbox.url))
        catalog = configured_catalog(discover(source_config))
        state = tmp_path / "state.json"
        assert run_sync(source_config, destination_config, catalog, state, tmp_path / "full").ok
        had_phone = {
            key
            for key, record in custom_source_records(sandbox.admin.dump("custom")).items()
            if record["phones"]
        }
        updated = sandbox.admin.churn("custom", update=60, seed=1)["updated"]
        lost_phone = [
            key
            for key, record in custom_source_records(sandbox.admin.dump("custom")).items()
            if key in had_phone and key in updated and not record["phones"] and record["emails"]
        ]
        assert lost_phone, "the churn removed no phone: pick another seed"

        incremental = run_sync(source_config, destination_config, catalog, state, tmp_path / "incremental")

        assert incremental.ok
        source = custom_source_records(sandbox.admin.dump("custom"))
        difference = compare("crm", {key: source[key] for key in lost_phone}, sandbox.admin.dump("crm"))
        assert difference.stale == {}, difference.details()
        assert sorted(difference.known_gaps) == sorted(lost_phone)
        assert {tuple(gap) for gap in difference.known_gaps.values()} == {("phone",)}
        # A CRM that answers a search with an id alone does not show whether it held a phone.
        expected_count = len(lost_phone) if profile == "lenient" else 0
        assert incremental.totals["crm"]["not_cleared"] == expected_count


def test_given_the_company_api_when_incremental_then_full_refresh_overwrite_then_deletions_are_mirrored_too(
    profile: str, tmp_path: Path
) -> None:
    """The Company Contacts API reports no deletions: incremental syncs carry creates and updates,
    and a full refresh in overwrite mode then removes what the source deleted, under faults."""
    company = "company-a-key"
    with SandboxProcess(contacts=60, seed=21, profile=profile) as sandbox:
        source_config = tmp_path / "source.json"
        destination_config = tmp_path / "destination.json"
        rejected_path = tmp_path / "rejected.jsonl"
        write_json(source_config, example_config("source-custom-contacts.company-api.json", sandbox.url))
        write_json(
            destination_config,
            {
                **example_config("destination-crm-contacts.json", sandbox.url),
                "rejected_records_path": str(rejected_path),
                "request_timeout_seconds": 1.5,
            },
        )
        streams = discover(source_config)
        state = tmp_path / "state.json"

        def sync(name: str, full_refresh: bool = False) -> SyncResult:
            for target in ("crm", "client_contacts"):
                sandbox.admin.set_faults(
                    target, error_rate=0.05, drop_rate=0.03, late_create_rate=0.1, late_create_delay_s=2.5
                )
            try:
                return run_sync(
                    source_config,
                    destination_config,
                    configured_catalog(streams, full_refresh=full_refresh),
                    state,
                    tmp_path / name,
                )
            finally:
                sandbox.admin.clear_faults()

        def differences(exempt: set[str]) -> list[str]:
            source = company_source_records(sandbox.admin.dump("company"), company)
            rejected = [json.loads(line) for line in rejected_path.read_text().splitlines()]
            found = [
                compare(target, source, sandbox.admin.dump(target), rejected, exempt=exempt)
                for target in ("crm", "client_contacts")
            ]
            return [difference.details() for difference in found if not difference.ok]

        first = sync("first")
        assert first.ok, f"{first.errors}; log in {first.log_path}"
        churn = sandbox.admin.churn("company", create=6, update=8, delete=4, seed=3, company=company)
        incremental = sync("incremental")
        assert incremental.ok, f"{incremental.errors}; log in {incremental.log_path}"
        assert differences(exempt=set(churn["deleted"])) == []
        held = {
            key for document in sandbox.admin.dump("client_contacts") for key in client_contact_keys(document)
        }
        assert set(churn["deleted"]) <= held, "an incremental sync of this API cannot carry deletions"

        if profile == "strict":
            # This CRM finds a contact by its marker but cannot list them: overwrite cannot know
            # what to delete there, so the destination refuses it before writing anything...
            crm_before = sandbox.admin.dump("crm")
            refused = sync("overwrite-refused", full_refresh=True)
            assert not refused.ok
            assert any("overwrite needs the contacts this connection manages" in e for e in refused.errors)
            assert sandbox.admin.dump("crm") == crm_before
            # ...and an overwrite into Client Contacts alone mirrors the deletions there.
            write_json(
                destination_config, {**json.loads(destination_config.read_text()), "crm": {"enabled": False}}
            )
            overwrite = sync("overwrite", full_refresh=True)
            assert overwrite.ok, f"{overwrite.errors}; log in {overwrite.log_path}"
            source = company_source_records(sandbox.admin.dump("company"), company)
            rejected = [json.loads(line) for line in rejected_path.read_text().splitlines()]
            difference = compare("client_contacts", source, sandbox.admin.dump("client_contacts"), rejected)
            assert difference.ok, difference.details()
            return

        overwrite = sync("overwrite", full_refresh=True)

        assert overwrite.ok, f"{overwrite.errors}; log in {overwrite.log_path}"
        assert differences(exempt=set()) == []
