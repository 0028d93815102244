import gc
import sys

from source_custom_contacts.entrypoint import launch
from source_custom_contacts.source import SourceCustomContacts


def run() -> None:
    # Parsing a page of contacts allocates thousands of containers, which triggers the cyclic
    # garbage collector many times per page; each full pass would walk every object the CDK's
    # imports left behind. Those live as long as the process, so they are frozen out of its
    # reach, and collections are made rarer: records are freed by reference counting anyway.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    launch(SourceCustomContacts(), sys.argv[1:])
