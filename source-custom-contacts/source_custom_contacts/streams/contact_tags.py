"""Company Contacts API, stream `contact_tags`: every tag of the company, full refresh only.

`/api/v1/contacts/tags` pages as the contacts do (see `company_contacts.py`), each tag with
`_count.contact_tag`. The stream has no cursor: the CDK reads it as a resumable full refresh,
again and again until its state says the read is complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from airbyte_cdk.models import SyncMode

from source_custom_contacts.reading.checkpoint import COMPLETE, Checkpoint, Position
from source_custom_contacts.reading.company_read import read_company_pages
from source_custom_contacts.reading.pages import Page
from source_custom_contacts.reading.stream import ReadItem
from source_custom_contacts.streams.base import ApiStream
from source_custom_contacts.streams.company_contacts import company_page


class ContactTags(ApiStream):
    name = "contact_tags"
    primary_key = "id"
    schema_file = "contact_tags"
    path = "/api/v1/contacts/tags"
    searching = False

    def _read_items(self, sync_mode: SyncMode) -> Iterator[ReadItem]:
        resume = Position.of(self._state)
        started = self._started(resume)
        run = self._run(started, "")
        yield from run.progress.counted(read_company_pages(self, run, resume, list, estimate=True))
        run.progress.finished()
        yield Checkpoint(COMPLETE, final=True)

    def list_page(self, number: int) -> Page[list[Any]]:
        return company_page(self._client, self.path, self.served, None, number)
