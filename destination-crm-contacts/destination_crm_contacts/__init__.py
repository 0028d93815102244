"""Airbyte destination that writes contacts into a CRM and a Client Contacts API."""

import sys

# The CDK's HTTP cache (requests_cache) imports boto3 for a DynamoDB backend whenever boto3 is
# installed, a tenth of the connector's start-up. The connector never uses that backend, and
# needs boto3 only when rejected records go to S3: the cache gets its placeholder for it instead.
sys.modules.setdefault("requests_cache.backends.dynamodb", None)  # type: ignore[arg-type]

from destination_crm_contacts.destination import DestinationCrmContacts  # noqa: E402

__all__ = ["DestinationCrmContacts"]
