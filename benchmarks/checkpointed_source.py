"""Our source as the checkpoint scenario runs it: `--no-checkpoints` turns its checkpoints off (the
baseline they are measured against), `--no-retries` makes an outage stop the read at once (a
read that fails part-way, without minutes of backoff first). Anything else goes to the source."""

from __future__ import annotations

import gc
import sys

from source_custom_contacts.entrypoint import launch
from source_custom_contacts.reading import checkpoint
from source_custom_contacts.source import SourceCustomContacts


def main(argv: list[str]) -> None:
    if "--no-checkpoints" in argv:
        argv.remove("--no-checkpoints")
        checkpoint.CHECKPOINT_RECORDS, checkpoint.CHECKPOINT_SECONDS = sys.maxsize, float("inf")
    source = SourceCustomContacts()
    if "--no-retries" in argv:
        argv.remove("--no-retries")
        source = SourceCustomContacts(max_retries=0)
    # As the console script does (see source_custom_contacts/run.py).
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    launch(source, argv)


if __name__ == "__main__":
    main(sys.argv[1:])
