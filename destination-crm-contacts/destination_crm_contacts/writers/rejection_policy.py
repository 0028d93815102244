"""What a refused record costs: it is counted and set aside (its reason cleared of the record's
values), and the sync goes on, until a target has refused more than `max_rejected_share` of the
records handed to it: then the data or the mapping is wrong, and the sync fails."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_crm_contacts.config import WriteOptions
from destination_crm_contacts.errors import RecordRejectedError
from destination_crm_contacts.writers.buffer import Change
from destination_crm_contacts.writers.rejections import RejectedRecords, redacted
from destination_crm_contacts.writers.stats import Totals


class RejectionPolicy:
    def __init__(
        self, targets: Sequence[str], totals: Totals, rejected: RejectedRecords, options: WriteOptions
    ) -> None:
        self._targets = targets
        self._totals = totals
        self._rejected = rejected
        self._options = options

    def reject(self, target: str, change: Change, error: Exception) -> None:
        """One target refused one record."""
        self._totals.rejected(target)
        # The API's own words may quote the values it refused: they never reach the log.
        reason = redacted(str(error), change.record) if isinstance(error, RecordRejectedError) else str(error)
        self._rejected.add(target, change.stream, self._source_key(change.key), reason, change.record)

    def reject_everywhere(self, stream: str, key: str | None, reason: str, record: Mapping[str, Any]) -> None:
        """A record no target can take (no stream, no primary key, a broken tombstone)."""
        for target in self._targets:
            self._totals.rejected(target)
        self._rejected.add(
            "all targets", stream, None if key is None else self._source_key(key), reason, record
        )

    def check_share(self) -> None:
        """Fails the sync once a target has refused too large a share of what it was handed."""
        limit = self._options.max_rejected_share
        for target in self._targets:
            rejected, handled = self._totals.rejected_share(target)
            if handled >= self._options.rejected_share_min_records and rejected > limit * handled:
                raise AirbyteTracedException(
                    message=(
                        f"{target} rejected {rejected} of {handled} records ({rejected / handled:.0%}), "
                        f"more than max_rejected_share ({limit:.0%}). The log names each record and its "
                        "reason; fix the field mapping or the source data, or raise max_rejected_share."
                    ),
                    failure_type=FailureType.config_error,
                )

    def _source_key(self, key: str) -> str:
        """The record's own primary key, without the prefix the targets store it with."""
        return key.removeprefix(self._options.key_prefix)
