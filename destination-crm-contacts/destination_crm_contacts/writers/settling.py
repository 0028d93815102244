"""How one batch's writes settle once they are all answered: each outcome counted, each refused
record rejected once however many targets refused it, and the sync failed on the first error of a
target that is down.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import CancelledError, Future, as_completed
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.errors import RecordRejectedError, StillFailingError, TargetError
from destination_crm_contacts.mapping import InvalidRecordError
from destination_crm_contacts.targets.base import Outcome, WriteTarget, Written
from destination_crm_contacts.writers.buffer import Change
from destination_crm_contacts.writers.rejection_policy import RejectionPolicy
from destination_crm_contacts.writers.state_counts import StateCounts
from destination_crm_contacts.writers.stats import Totals


def settle(
    futures: Mapping[Future[Any], tuple[WriteTarget, Change | None]],
    policy: RejectionPolicy,
    totals: Totals,
    counts: StateCounts,
) -> None:
    """Wait for every write; count outcomes and rejections; fail on the first target error.
    A write that still failed after its retries is held until the others are done: it is its
    record's rejection when the target took other writes, or answers a harmless read."""
    failure: TargetError | None = None
    # A record refused by both targets is one rejected record.
    refused: dict[int, Change] = {}
    still_failing: list[tuple[WriteTarget, Change, StillFailingError]] = []
    took: set[str] = set()
    for future in as_completed(futures):
        target, change = futures[future]
        try:
            outcome = future.result()
        except CancelledError:
            continue
        except (RecordRejectedError, InvalidRecordError) as error:
            if change is None:
                raise
            policy.reject(target.name, change, error)
            refused[id(change)] = change
            continue
        except StillFailingError as error:
            if change is not None:
                still_failing.append((target, change, error))
                continue
            failure = failure or error
            continue
        except TargetError as error:
            if failure is None:
                failure = error
                for pending in futures:
                    pending.cancel()
            continue
        took.add(target.name)
        if isinstance(outcome, Written):
            totals.outcome(target.name, outcome.outcome, len(outcome.not_cleared))
        elif isinstance(outcome, Outcome):
            totals.outcome(target.name, outcome)
    if failure is None:
        failure = _reject_still_failing(still_failing, took, refused, policy)
    for change in refused.values():
        counts.rejected(change.stream)
    if failure is not None:
        raise AirbyteTracedException(
            message=str(failure),
            internal_message=str(failure),
            failure_type=failure.failure_type,
            exception=failure,
        )


def _reject_still_failing(
    still_failing: list[tuple[WriteTarget, Change, StillFailingError]],
    took: set[str],
    refused: dict[int, Change],
    policy: RejectionPolicy,
) -> TargetError | None:
    """Rejects each write that still failed, on a target that is up; otherwise the failure of the
    sync: the first of a target that is down, or the reading they all suspect."""
    up: dict[str, bool] = {}
    for target, _, error in still_failing:
        if target.name not in up:
            up[target.name] = target.name in took or target.healthy()
        if not up[target.name]:
            return error
    by_target: dict[str, list[StillFailingError]] = {}
    for target, _, error in still_failing:
        by_target.setdefault(target.name, []).append(error)
    for errors in by_target.values():
        suspected = _suspected_reading(errors)
        if suspected is not None:
            return suspected
    for target, change, error in still_failing:
        reason = f"the target still failed to take it while it took other writes ({error})"
        policy.reject(target.name, change, RecordRejectedError(reason))
        refused[id(change)] = change
    return None


def _suspected_reading(errors: list[StillFailingError]) -> TargetError | None:
    """Two writes or more that still failed, each under one reading still unlearnt that a write
    alone could show: that reading, which the user must pin, rather than each record's failure.
    A single failed write stays its record's rejection, so one record never fails every sync."""
    suspects = {error.suspect for error in errors}
    if len(errors) < 2 or len(suspects) != 1:
        return None
    suspect = suspects.pop()
    if suspect is None or not suspect.unlearnt():
        return None
    return TargetError(
        f"{suspect.failure} {len(errors)} records of one batch failed so; no STATE after them was confirmed.",
        FailureType.config_error,
    )
