"""What the numbers cannot say themselves: how each section measures, and why a target misses.

The explanations of misses come from profiling the connectors; they are shown in the report only
while the section's target is missed.
"""

from __future__ import annotations

METHOD: dict[str, str] = {
    "source_floor": (
        "the floor is `python -m benchmarks.floor`: one `requests` session fetches the token and "
        "every page of /contacts in order and writes each contact as a RECORD line with orjson, "
        "nothing else. Both are timed as processes, start-up included."
    ),
    "source_peers": (
        "the peers are fixtures in `benchmarks/peers/`: `manifest.yaml` run by the CDK's "
        "`source-declarative-manifest` with the manifest injected into its config, as the platform "
        "runs a Connector Builder source; and `tutorial_source.py`, one `HttpStream` with "
        "sequential pages as the CDK tutorial writes it. Neither normalises labels or types, "
        "which our source does."
    ),
}

FINDINGS: dict[str, str] = {}
