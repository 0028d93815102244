"""The per-sync report, at the end of every sync: what each target did, and each reason records
were rejected for, with its count and where those records are kept.

The job log gets one line a person reads per target and per reason, then one JSON line for tools
(`crm_contacts_totals`); the store, where one is configured, gets the same report in full as
`report.json` beside the rejected records, so a count leads to its records in one step.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from destination_crm_contacts.writers.rejections import Reason
from destination_crm_contacts.writers.stats import Totals

# Places named per reason in the log; report.json names them all.
LOGGED_PLACES = 10


def sync_report(
    totals: Totals, ignored_streams: Mapping[str, int], reasons: Sequence[Reason], dry_run: bool
) -> dict[str, Any]:
    return {
        "event": "crm_contacts_totals",
        "dry_run": dry_run,
        "targets": totals.as_dict(),
        "ignored_streams": dict(ignored_streams),
        "rejections": [
            {"target": r.target, "reason": r.reason, "count": r.count, "stored_in": list(r.stored_in)}
            for r in reasons
        ],
    }


def log_report(logger: logging.Logger, report: Mapping[str, Any], stored: bool, kept_in: str | None) -> None:
    verb = "would be" if report["dry_run"] else "were"
    for target, counts in report["targets"].items():
        logger.info(
            f"{target}: {counts['created']} {verb} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['deleted']} deleted "
            f"({counts['already_gone']} already gone), {counts['rejected']} rejected, "
            f"{counts['ignored']} ignored, {counts['not_cleared']} kept values the source emptied"
        )
    for rejection in report["rejections"]:
        logger.info(
            f"{rejection['target']}: {rejection['count']} rejected because {rejection['reason']}; "
            f"{_places(rejection['stored_in'], stored)}"
        )
    if kept_in is not None:
        logger.info(f"This report is also kept in {kept_in}")
    logger.info(orjson.dumps(_capped(report)).decode())


def _places(places: Sequence[str], stored: bool) -> str:
    if not stored:
        return "not stored: set rejected_records_storage to keep rejected records with their reasons"
    if not places:
        return "not stored: the sync stopped before they were"
    named = ", ".join(places[:LOGGED_PLACES])
    more = len(places) - LOGGED_PLACES
    return f"records in {named}" + (f" and {more} more objects beside them" if more > 0 else "")


def _capped(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report with at most `LOGGED_PLACES` places a reason, for one log line of bounded size."""
    rejections = []
    for rejection in report["rejections"]:
        places = rejection["stored_in"]
        capped = {**rejection, "stored_in": places[:LOGGED_PLACES]}
        if len(places) > LOGGED_PLACES:
            capped["more_places"] = len(places) - LOGGED_PLACES
        rejections.append(capped)
    return {**report, "rejections": rejections}
