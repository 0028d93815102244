"""Airbyte destination that writes contacts into a CRM and a Client Contacts API."""

from destination_crm_contacts.destination import DestinationCrmContacts

__all__ = ["DestinationCrmContacts"]
