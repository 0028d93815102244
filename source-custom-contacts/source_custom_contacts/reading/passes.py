"""Reading an offset-paged list again where contacts may have slipped between its pages.

A page is a window on a list that can change while it is read. When a contact before the window
leaves its place (deleted, or moved later in the list by an update), every later contact moves
back a place, and the one that crosses into a page already read is missed: it did not change, so
no later read of changes brings it either. After each pass, the API's own check says from which
page something could have slipped; the read passes again from there, emitting only contacts not
emitted yet, until a pass in which nothing moved or for at most `MAX_REPAIR_ROUNDS` more passes.

Each check also looks at the time between its pass and the next: a move then can shift a
contact out of the pages the next pass starts after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TypeVar

# Rounds of re-reading after contacts moved during a read; each round covers the moves made
# during the one before, so more than a few only happen under constant churn.
MAX_REPAIR_ROUNDS = 3

M = TypeVar("M")


def read_with_shift_repair(
    read_pass: Callable[[int], Iterator[M]],
    first_shifted_page: Callable[[], int | None],
    logger: logging.Logger,
    first_page: int = 1,
) -> Iterator[M]:
    """`read_pass(first_page)` reads from that page to the end; `first_shifted_page()`, called
    after it, names the first page a contact may have slipped into meanwhile, or None. A resumed
    read starts its first pass on the page it resumes from."""
    for _ in range(MAX_REPAIR_ROUNDS + 1):
        yield from read_pass(first_page)
        shifted = first_shifted_page()
        if shifted is None:
            return
        first_page = shifted
        logger.info(
            "Contacts moved during the read, so later ones may have slipped into pages already read; "
            "reading again from page %d, emitting only contacts not emitted yet.",
            first_page,
        )
    logger.warning(
        "Contacts kept changing during %d re-reads; one may have slipped between pages. "
        "The next sync reads it if it changes again, a full refresh in any case.",
        MAX_REPAIR_ROUNDS,
    )
