import sys

from airbyte_cdk.entrypoint import launch

from source_custom_contacts.source import SourceCustomContacts


def run() -> None:
    launch(SourceCustomContacts(), sys.argv[1:])
