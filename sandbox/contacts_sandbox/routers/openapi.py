"""Request bodies for the OpenAPI document, where the routes read their JSON by hand (for speed and
to accept both documented spellings); the routes' own checks are the authority."""

from __future__ import annotations

from typing import Any

STRING: dict[str, Any] = {"type": "string"}
PHONE: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
STRINGS: dict[str, Any] = {"type": "array", "items": STRING}
OBJECT: dict[str, Any] = {"type": "object"}


def json_body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


CRM_CREATE = json_body(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["first_name", "email"],
        "properties": {
            "first_name": STRING, "email": STRING, "last_name": STRING, "company": STRING,
            "phone": PHONE, "job_title": STRING, "notes": STRING,
        },
    }
)  # fmt: skip

_CRM_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {"name": STRING, "email": STRING, "phone": PHONE},
}
CRM_EDIT = json_body(
    {
        "type": "object",
        "description": "The id as contact_id or contactID, the changes as update_fields or updateFields "
        "(which are taken: crm.edit_spelling, other_spelling, extra_fields, nulls).",
        "properties": {
            "contact_id": STRING,
            "contactID": STRING,
            "update_fields": _CRM_UPDATE,
            "updateFields": _CRM_UPDATE,
        },
    }
)
CRM_DELETE = json_body(
    {
        "type": "object",
        "description": "contact_id, or contactID under crm.delete_spelling=either (see crm.delete_id_in).",
        "properties": {"contact_id": STRING, "contactID": STRING},
    },
    required=False,
)

_CLIENT_CONTACT_FIELDS = {
    "name": STRING, "local_name": STRING, "phone1": STRING, "phone2": STRING, "email": STRING,
    "title": STRING, "extra_info": STRING, "disabled": {"type": "boolean"}, "media": STRINGS,
    "cover_photo": STRING, "integration_meta": OBJECT, "company_namespace": STRINGS, "creator": OBJECT,
    "editor": OBJECT,
}  # fmt: skip
CLIENT_CONTACT_CREATE = json_body(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": _CLIENT_CONTACT_FIELDS,
    }
)
CLIENT_CONTACT_UPDATE = json_body(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **_CLIENT_CONTACT_FIELDS,
            "_id": STRING, "createdAt": STRING, "updatedAt": STRING, "__v": {"type": "integer"},
        },
    }
)  # fmt: skip
