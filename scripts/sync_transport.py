"""Copies the destination's `transport/` package over the source's, so both connectors carry the
same transport, byte for byte: Retry-After, the pace, the call budget, and what a failed request
last met. Each connector builds into its own image from its own folder, so neither can import the
other; what is particular to one API (which answers it retries, messages naming its settings)
stays outside the package. Its `__init__.py` is empty, as a docstring there would only repeat this.

.venv/bin/python scripts/sync_transport.py            # copy; edit the destination's copy only
.venv/bin/python scripts/sync_transport.py --check    # exit 1, naming the files, when they differ
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CANONICAL = ROOT / "destination-crm-contacts" / "destination_crm_contacts" / "transport"
COPY = ROOT / "source-custom-contacts" / "source_custom_contacts" / "transport"


def differences(canonical: Path = CANONICAL, copy: Path = COPY) -> list[str]:
    """The module names that are not the same in both folders (missing on either side included)."""
    names = {path.name for folder in (canonical, copy) for path in folder.glob("*.py")}
    return sorted(
        name
        for name in names
        if not (canonical / name).is_file()
        or not (copy / name).is_file()
        or (canonical / name).read_bytes() != (copy / name).read_bytes()
    )


def sync(canonical: Path = CANONICAL, copy: Path = COPY) -> list[str]:
    """Makes `copy` hold exactly the modules of `canonical`; returns the names it changed."""
    changed = differences(canonical, copy)
    copy.mkdir(exist_ok=True)
    for name in changed:
        if (canonical / name).is_file():
            shutil.copyfile(canonical / name, copy / name)
        else:
            (copy / name).unlink()
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report the modules that differ")
    args = parser.parse_args()
    names = differences() if args.check else sync()
    for name in names:
        print(f"{'differs' if args.check else 'copied'}: transport/{name}")
    return 1 if args.check and names else 0


if __name__ == "__main__":
    sys.exit(main())
