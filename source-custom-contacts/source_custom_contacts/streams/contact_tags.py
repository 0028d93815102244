"""Company Contacts API, stream `contact_tags`: every tag of the company, full refresh only."""

from __future__ import annotations

import time
from collections.abc import Iterator

from airbyte_cdk.models import SyncMode
from airbyte_cdk.sources.streams.core import StreamData

from source_custom_contacts.auth import Clock
from source_custom_contacts.client import ApiClient
from source_custom_contacts.reading.page_size import ServedPageSize
from source_custom_contacts.reading.progress import ReadProgress
from source_custom_contacts.streams.base import SchemaFileStream, page_messages, row_estimate
from source_custom_contacts.streams.company_pages import company_pages


class ContactTags(SchemaFileStream):
    name = "contact_tags"
    primary_key = "id"
    schema_file = "contact_tags"

    def __init__(
        self, client: ApiClient, page_size: int, max_in_flight: int, clock: Clock = time.time
    ) -> None:
        self._client = client
        self._page_size = page_size
        self._max_in_flight = max_in_flight
        self._clock = clock

    def _records(self, sync_mode: SyncMode, progress: ReadProgress) -> Iterator[StreamData]:
        page_size = ServedPageSize(self._page_size, self._client.api_name, self.logger)
        for page in company_pages(
            self._client, "/api/v1/contacts/tags", page_size, None, self._max_in_flight
        ):
            progress.page_read(page)
            if page.number == 1 and page.total_items is not None:
                yield row_estimate(self.name, page.total_items)
            yield from page_messages(self.name, page.items, self.logger)
