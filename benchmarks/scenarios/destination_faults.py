"""Section 5b: the destination under sporadic 429s and lost create answers, beside a sequential
writer with the CDK's plain retries, under both sandbox profiles."""

from __future__ import annotations

from benchmarks import configs, records, sequential_retrying_writer, subjects
from benchmarks.context import Bench
from benchmarks.results import Figure, Section, at_most
from benchmarks.sandbox import status_count, total_requests

UPSERTS = 300
LATENCY_MS = 5
# 1 request in 13 answered 429 with Retry-After: 1, whatever the rate; 1 create answer in 5 lost
# (the create commits, its answer comes after both writers stopped waiting).
FAULTS = {
    "latency_ms": LATENCY_MS,
    "rate_limited_share": 1 / 13,
    "retry_after_seconds": 1,
    "late_create_rate": 0.2,
    "late_create_delay_s": 2,
}
REQUEST_TIMEOUT_SECONDS = 1.0
TARGETS = ("crm", "client_contacts")
PROFILES = ("lenient", "strict")


def measure(bench: Bench) -> Section:
    section = Section("destination_faults", "5b. Destination under faults")
    contacts = list(records.contacts(UPSERTS))
    input_path = records.write_messages(bench.scratch / f"destination-faults-{UPSERTS}.jsonl", UPSERTS)
    for profile in PROFILES:
        for target in TARGETS:
            _reset(bench, profile, target)
            config = configs.destination_config(bench.sandbox_url, target=target)
            config["request_timeout_seconds"] = REQUEST_TIMEOUT_SECONDS
            folder = bench.workdir(f"destination-faults-{profile}-{target}")
            ours = bench.run(subjects.destination_write(folder, config), folder, stdin=input_path)
            stats = bench.admin.stats()
            held = _held_ids(bench, target)

            _reset(bench, profile, target)
            seconds = sequential_retrying_writer.write(
                target, bench.sandbox_url, contacts, profile=profile, timeout=REQUEST_TIMEOUT_SECONDS
            )
            sequential_stats = bench.admin.stats()

            expected = {str(contact["id"]) for contact in contacts}
            requests = total_requests(stats, target)
            sequential_requests = total_requests(sequential_stats, target)
            section.figures.append(
                Figure(
                    section=section.key,
                    name=(
                        f"destination ÷ sequential writer with retries, {UPSERTS} upserts into {target} "
                        f"({profile})"
                    ),
                    ratio=ours.seconds / seconds,
                    target=at_most(0.25),
                    context=(
                        f"ours {ours.cpu_text()}, {requests / UPSERTS:.2f} requests/record, "
                        f"{UPSERTS / ours.seconds:.0f} records/s, {status_count(stats, target, 429)} x 429; "
                        f"sequential {seconds:.1f} s, {sequential_requests / UPSERTS:.2f} requests/record, "
                        f"{status_count(sequential_stats, target, 429)} x 429"
                    ),
                    extra_checks={
                        "destination exited cleanly and emitted the final state": ours.ok
                        and bool(ours.states),
                        "0 duplicates": len(held) == len(set(held)),
                        "0 missing": expected <= set(held),
                    },
                )
            )
            if not ours.ok:
                section.notes.append(f"{target} ({profile}): {ours.describe_failure()}")
    section.notes.append(
        f"Input: {UPSERTS} distinct valid contacts into an empty target, every request {LATENCY_MS} ms "
        "slower; 1 request in 13 answered 429 with `Retry-After: 1` whatever the rate (the sandbox's "
        "`rate_limited_share`), 1 create in 5 committed but answered only after 2 s, past both "
        f"writers' timeout of {REQUEST_TIMEOUT_SECONDS:g} s. The sequential writer "
        "(`benchmarks/sequential_retrying_writer.py`) sends the same requests one by one through the "
        "CDK's `HttpClient` with its default retries, and looks a lost create up before sending it again."
    )
    return section


def _reset(bench: Bench, profile: str, target: str) -> None:
    bench.reset(contacts=10)
    bench.admin.set_profile(profile)
    bench.admin.set_faults(target, **FAULTS)
    bench.admin.reset_stats()


def _held_ids(bench: Bench, target: str) -> list[str]:
    """The source id of every contact the target holds, once per contact."""
    if target == "crm":
        notes = [str(contact.get("notes") or "") for contact in bench.admin.dump("crm")]
        return [
            note.removeprefix("[source-id:").removesuffix("]")
            for note in notes
            if note.startswith("[source-id:")
        ]
    documents = bench.admin.dump("client_contacts")
    return [str((document.get("integration_meta") or {}).get("external_id")) for document in documents]
