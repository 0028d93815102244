"""Section 5: upserts into each target with 20 ms added latency, against a sequential writer,
under both sandbox profiles; section 5b (`destination_faults`) adds faults."""

from __future__ import annotations

from pathlib import Path

from benchmarks import configs, records, sequential_writer, subjects
from benchmarks.context import Bench
from benchmarks.plots import BarChart
from benchmarks.results import Figure, Section, at_least
from benchmarks.runner import ChildRun
from benchmarks.sandbox import RateWatch, requests_of, status_count, total_requests
from benchmarks.scenarios import destination_faults

LATENCY_MS = 20
TARGETS = ("crm", "client_contacts")
PROFILES = ("lenient", "strict")
# The sandbox's share of one core above which it, not the destination, sets the pace.
SANDBOX_SATURATED = 0.85
# The rate-limited runs: the destination's own limit, under the sandbox's 429 threshold.
RATE_LIMIT = 100
SANDBOX_RATE_LIMIT = 125
# The sandbox counts a request when it answers, after the added latency and any queueing in its
# event loop; requests sent a second apart can be counted closer together. The sandbox's own
# 429 threshold is the hard check.
JITTER = 0.1
# The sandbox's fault switches name the APIs as the destination's config does.
STORES = {"crm": "crm", "client_contacts": "client_contacts"}


def measure(bench: Bench) -> tuple[Section, ...]:
    upserts = bench.sizes.upserts
    sample = min(bench.sizes.sequential_sample, upserts)
    section = Section("destination", "5. Destination throughput")
    bars: dict[str, float] = {}
    input_path = records.write_messages(bench.scratch / f"destination-{upserts}.jsonl", upserts)

    for profile, target in [(profile, target) for profile in PROFILES for target in TARGETS]:
        bench.reset(contacts=10)
        bench.admin.set_profile(profile)
        bench.admin.set_faults(target, latency_ms=LATENCY_MS)
        default = _write(bench, target, input_path, requests_per_second=0)
        default_stored = len(bench.admin.dump(STORES[target]))

        bench.reset(contacts=10)
        bench.admin.set_profile(profile)
        bench.admin.set_faults(target, latency_ms=LATENCY_MS)
        ours = _write(bench, target, input_path, requests_per_second=0, single_core=True)
        stats = bench.admin.stats()
        our_requests = total_requests(stats, target)
        stored = len(bench.admin.dump(STORES[target]))
        # The sandbox is one process on one core: busy nearly all the wall time, it sets the pace,
        # and a ratio would measure it rather than the destination.
        sandbox_share = (ours.sandbox_cpu_seconds or 0.0) / ours.seconds
        saturated = sandbox_share >= SANDBOX_SATURATED

        bench.reset(contacts=10)
        bench.admin.set_profile(profile)
        bench.admin.set_faults(target, latency_ms=LATENCY_MS)
        seconds = sequential_writer.write(target, bench.sandbox_url, records.contacts(sample), profile)
        sequential_requests = total_requests(bench.admin.stats(), target)
        sequential_estimate = seconds * upserts / sample

        ours_per_upsert = our_requests / upserts
        sequential_per_upsert = sequential_requests / sample
        section.figures.append(
            Figure(
                section=section.key,
                name=(
                    f"sequential writer ÷ destination-crm-contacts (single_core), {upserts:,} upserts "
                    f"into {target} ({profile})"
                ),
                ratio=None if saturated else sequential_estimate / ours.seconds,
                target=at_least(20),
                context=(
                    ("SANDBOX SATURATED, no ratio: " if saturated else "")
                    + f"sandbox CPU {sandbox_share:.0%} of the wall time; "
                    f"{ours_per_upsert:.2f} requests/record, {upserts / ours.seconds:.0f} records/s; "
                    f"ours {ours.cpu_text()} ({our_requests} requests: "
                    f"{_routes(requests_of(stats, target))}); sequential {seconds:.2f} s for {sample:,} "
                    f"upserts ({sequential_per_upsert:.2f} requests each), so {sequential_estimate:.1f} s "
                    f"for {upserts:,}; default settings: {default.cpu_text()}, "
                    f"{sequential_estimate / default.seconds:.2f}x"
                ),
                extra_checks={
                    "destination exited cleanly and emitted the final state": ours.ok and bool(ours.states),
                    f"{target} holds all {upserts:,} contacts": stored == upserts,
                    "with the default settings too": (
                        default.ok and bool(default.states) and default_stored == upserts
                    ),
                    "same requests per upsert as the sequential writer (±10%)": (
                        abs(ours_per_upsert - sequential_per_upsert) <= 0.1 * sequential_per_upsert
                    ),
                },
            )
        )
        for run in (default, ours):
            if not run.ok:
                section.notes.append(f"{target}: {run.describe_failure()}")
        bars[f"{target} ({profile}): destination"] = default.seconds
        bars[f"{target} ({profile}): destination, single_core"] = ours.seconds
        bars[f"{target} ({profile}): sequential (scaled)"] = sequential_estimate

    rate_limited = bench.sizes.rate_limited_upserts
    limited_input = records.write_messages(bench.scratch / f"destination-{rate_limited}.jsonl", rate_limited)
    for target in TARGETS:
        bench.reset(contacts=10)
        bench.admin.set_faults(target, latency_ms=LATENCY_MS, rate_limit_per_second=SANDBOX_RATE_LIMIT)
        with RateWatch(bench.admin, target) as watch:
            limited = _write(bench, target, limited_input, requests_per_second=RATE_LIMIT)
        stats = bench.admin.stats()
        rejected = status_count(stats, target, 429)
        rate = watch.active_rate()
        busiest = watch.busiest_second()
        section.figures.append(
            Figure(
                section=section.key,
                name=(
                    f"request rate ÷ configured limit ({RATE_LIMIT}/s), "
                    f"{rate_limited:,} upserts into {target}"
                ),
                ratio=rate / RATE_LIMIT,
                target=at_least(0.8),
                context=(
                    f"{rate:.0f} requests/s while writing, busiest second {busiest}, "
                    f"{total_requests(stats, target)} requests in {limited.seconds:.2f} s, {rejected} x 429"
                ),
                extra_checks={
                    "destination exited cleanly": limited.ok,
                    "no 429 from the sandbox": rejected == 0,
                    f"busiest second within the configured {RATE_LIMIT}/s (+{JITTER:.0%})": (
                        busiest <= RATE_LIMIT * (1 + JITTER)
                    ),
                },
            )
        )
        if not limited.ok:
            section.notes.append(f"{target} (rate-limited): {limited.describe_failure()}")

    section.notes.append(
        f"Input: {upserts:,} distinct valid contacts (each with an email) and one final STATE, into an "
        f"empty target, every request of that API {LATENCY_MS} ms slower. Ours runs twice: with the "
        "default settings, then with `single_core: true` (its threads kept on one CPU core), the run "
        "the ratio is taken from; the default run's time and ratio are in the context. The sequential writer "
        f"(`benchmarks/sequential_writer.py`) sends the same requests one by one on one session; it is "
        f"timed on {sample:,} upserts and scaled, its time being linear in their number. Rate-limited "
        f"runs: requests_per_second={RATE_LIMIT} in the destination, 429 beyond {SANDBOX_RATE_LIMIT} in "
        "the sandbox; the rate counts from the first request to the last, sampled every 50 ms. Both "
        "sandbox profiles: under `strict` the CRM cannot list its contacts and answers ids alone, so "
        "each is searched by its marker, and by email by neither writer (an id cannot show a contact "
        "to adopt). Where the sandbox's own CPU reached "
        f"{SANDBOX_SATURATED:.0%} of the wall time it was the bottleneck, and no ratio is given."
    )
    section.plot = BarChart(
        filename="destination_throughput.png",
        title=f"{upserts:,} upserts with +{LATENCY_MS} ms a request (lower is better)",
        unit="s",
        bars=bars,
        highlight={label for label in bars if "destination" in label},
    )
    return (section, destination_faults.measure(bench))


def _write(
    bench: Bench, target: str, input_path: Path, *, requests_per_second: float, single_core: bool = False
) -> ChildRun:
    folder = bench.workdir(f"destination-{target}")
    config = configs.destination_config(
        bench.sandbox_url, target=target, requests_per_second=requests_per_second, single_core=single_core
    )
    bench.admin.reset_stats()
    return bench.run(subjects.destination_write(folder, config), folder, stdin=input_path)


def _routes(by_route: dict[str, int]) -> str:
    return ", ".join(f"{route} x {count}" for route, count in sorted(by_route.items()))
