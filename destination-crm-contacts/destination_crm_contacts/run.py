"""Console entry point: `destination-crm-contacts spec | check | write`."""

import sys

from destination_crm_contacts.destination import DestinationCrmContacts


def run() -> None:
    DestinationCrmContacts().run(sys.argv[1:])
