"""`single_core`: the writer's threads kept on the core the process runs on."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest

from destination_crm_contacts import cpu, destination
from destination_crm_contacts.cpu import Affinity, keep_on_one_core
from unit_tests.builders import ConfigBuilder
from unit_tests.conftest import write_one_contact
from unit_tests.fakes import FakeClientContacts, FakeCrm

LOGGER = logging.getLogger("airbyte")


class FakeAffinity:
    def __init__(self, allowed: set[int], current: int | None, threads: list[int]) -> None:
        self.allowed = allowed
        self.current = current
        self.threads = threads
        self.gone: set[int] = set()
        self.restricted: dict[int, set[int]] = {}

    def calls(self) -> Affinity:
        return Affinity(
            allowed=lambda: self.allowed,
            current=lambda: self.current,
            threads=lambda: self.threads,
            restrict=self._restrict,
        )

    def _restrict(self, thread: int, cores: set[int]) -> None:
        if thread in self.gone:
            raise ProcessLookupError(thread)
        self.restricted[thread] = cores


class TestKeepOnOneCore:
    def test_given_several_cores_then_every_thread_is_kept_on_the_current_one(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="airbyte")
        system = FakeAffinity(allowed={0, 1, 2, 3}, current=2, threads=[100, 101, 102])

        core = keep_on_one_core(LOGGER, system.calls())

        assert core == 2
        assert system.restricted == {100: {2}, 101: {2}, 102: {2}}
        assert "single_core: writing on CPU core 2 (of 4 this process may use)" in caplog.text

    @pytest.mark.parametrize("current", [None, 7])
    def test_given_the_current_core_unknown_or_not_allowed_then_the_lowest_allowed_is_used(
        self, current: int | None
    ) -> None:
        system = FakeAffinity(allowed={3, 5}, current=current, threads=[100])

        assert keep_on_one_core(LOGGER, system.calls()) == 3
        assert system.restricted == {100: {3}}

    def test_given_one_core_then_nothing_is_changed(self) -> None:
        system = FakeAffinity(allowed={1}, current=1, threads=[100])

        assert keep_on_one_core(LOGGER, system.calls()) is None
        assert system.restricted == {}

    def test_given_a_thread_that_ended_meanwhile_then_the_others_are_still_kept(self) -> None:
        system = FakeAffinity(allowed={0, 1}, current=1, threads=[100, 101, 102])
        system.gone = {101}

        assert keep_on_one_core(LOGGER, system.calls()) == 1
        assert system.restricted == {100: {1}, 102: {1}}

    def test_given_a_system_without_affinity_then_it_warns_and_goes_on(
        self, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        monkeypatch.setattr(cpu, "_linux_affinity", lambda: None)

        assert keep_on_one_core(LOGGER) is None
        assert "cannot keep threads on one core; writing on every core" in caplog.text


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux and at least two cores",
)
def test_given_linux_then_threads_started_before_and_after_run_on_one_core() -> None:
    """Against the real system calls, in a process of its own (this one keeps every core)."""
    program = textwrap.dedent(
        """
        import logging, os, threading
        from destination_crm_contacts.cpu import keep_on_one_core

        def affinity_of_a_thread():
            seen = []
            thread = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))
            thread.start()
            thread.join()
            return seen[0]

        started = threading.Event()
        release = threading.Event()
        seen_by_early = []
        def early():
            started.set()
            release.wait()
            seen_by_early.append(os.sched_getaffinity(0))
        before = threading.Thread(target=early)
        before.start()
        started.wait()
        core = keep_on_one_core(logging.getLogger("test"))
        release.set()
        before.join()
        print(core, sorted(os.sched_getaffinity(0)), sorted(seen_by_early[0]), sorted(affinity_of_a_thread()))
        """
    )

    output = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)

    core = int(output[0])
    assert core in os.sched_getaffinity(0)
    assert output[1].strip() == f"[{core}] [{core}] [{core}]"


@pytest.mark.parametrize("single_core", [True, False])
def test_given_single_core_then_the_write_keeps_its_threads_on_one_core_before_writing(
    monkeypatch: pytest.MonkeyPatch, crm: FakeCrm, client_contacts: FakeClientContacts, single_core: bool
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(destination, "keep_on_one_core", lambda logger: calls.append(len(crm.contacts)))

    write_one_contact(ConfigBuilder().with_option(single_core=single_core).build())

    # Called once, before the first contact was written; never without the setting.
    assert calls == ([0] if single_core else [])
    assert len(crm.contacts) == 1
