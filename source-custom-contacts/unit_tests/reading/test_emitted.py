"""What a read remembers of the contacts it emitted, to repair pages shifted during the read."""

from __future__ import annotations

import tracemalloc

from source_custom_contacts.reading.emitted import EveryId, PageRuns


def emit_pages(keeper: PageRuns | EveryId, pages: dict[int, list[str]]) -> None:
    for number, ids in pages.items():
        keeper.seen_near(number)
        for contact_id in ids:
            keeper.emitted(number, contact_id)


class TestPageRuns:
    def test_given_ids_on_a_page_then_its_neighbours_see_them_and_farther_pages_do_not(self) -> None:
        runs = PageRuns()
        emit_pages(runs, {1: ["1", "2"], 2: ["3", "4"], 3: ["5", "6"], 4: ["7", "8"]})

        seen_from_two = runs.seen_near(2)
        assert all(contact_id in seen_from_two for contact_id in ("1", "2", "3", "4", "5", "6"))
        seen_from_four = runs.seen_near(4)
        assert "5" in seen_from_four
        assert "4" not in seen_from_four

    def test_given_an_id_emitted_on_the_page_being_read_then_a_repeat_on_that_page_is_seen(self) -> None:
        runs = PageRuns()
        seen = runs.seen_near(1)
        runs.emitted(1, "1")

        assert "1" in seen

    def test_given_moved_ids_then_the_first_page_each_was_emitted_on_across_passes(self) -> None:
        runs = PageRuns()
        emit_pages(runs, {1: ["1", "2"], 2: ["3", "4"], 3: ["5"]})
        emit_pages(runs, {2: ["6"], 3: ["7", "1"]})  # a second pass from page 2; "1" moved to its end

        assert runs.first_pages({"4", "7", "1", "not-emitted"}) == {"4": 2, "7": 3, "1": 1}
        assert runs.first_pages(set()) == {}

    def test_given_a_hundred_thousand_contacts_then_what_is_kept_is_a_few_bytes_an_id(self) -> None:
        runs = PageRuns()
        tracemalloc.start()
        try:
            before, _ = tracemalloc.get_traced_memory()
            for page in range(1, 101):
                runs.seen_near(page)
                for n in range(1000):
                    runs.emitted(page, str(page * 1000 + n))
            runs.first_pages(())  # closes the last page
            kept, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert (kept - before) / 100_000 < 12  # a set or a dict of the ids: about 100 bytes an id


class TestEveryId:
    def test_given_an_id_emitted_anywhere_then_every_page_sees_it(self) -> None:
        every = EveryId()
        emit_pages(every, {1: ["1"], 9: ["9"]})

        assert "1" in every.seen_near(9)
        assert "9" in every.seen_near(1)
        assert every.first_pages({"9", "2"}) == {"9": 9}
