from source_custom_contacts.source import SourceCustomContacts

__all__ = ["SourceCustomContacts"]
