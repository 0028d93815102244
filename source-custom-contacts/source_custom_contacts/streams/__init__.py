from source_custom_contacts.streams.company_contacts import CompanyContacts
from source_custom_contacts.streams.contact_tags import ContactTags
from source_custom_contacts.streams.custom_contacts import CustomContacts

__all__ = ["CompanyContacts", "ContactTags", "CustomContacts"]
