"""The two connectors carry one transport: the source's `transport/` is the destination's, byte for
byte (`scripts/sync_transport.py` copies it)."""

from __future__ import annotations

from pathlib import Path

from sync_transport import CANONICAL, COPY, differences, sync


def test_given_the_repository_then_both_connectors_hold_the_same_transport_modules() -> None:
    assert sorted(path.name for path in CANONICAL.glob("*.py")) == sorted(
        path.name for path in COPY.glob("*.py")
    )
    assert differences() == [], "run scripts/sync_transport.py, and edit the destination's copy only"


def test_given_copies_that_drifted_when_synced_then_they_match_again(tmp_path: Path) -> None:
    canonical, copy = tmp_path / "canonical", tmp_path / "copy"
    canonical.mkdir()
    copy.mkdir()
    (canonical / "pacing.py").write_text("RATE = 1\n")
    (canonical / "calls.py").write_text("BUDGET = 1\n")
    (copy / "pacing.py").write_text("RATE = 2\n")
    (copy / "stale.py").write_text("OLD = 1\n")

    assert differences(canonical, copy) == ["calls.py", "pacing.py", "stale.py"]
    assert sync(canonical, copy) == ["calls.py", "pacing.py", "stale.py"]
    assert differences(canonical, copy) == []
    assert not (copy / "stale.py").exists()
