"""The SQLite side of the store: the schema, the connection and the JSON the documents are kept as.

SQLite is the record (a file by default, so what a destination wrote can be inspected after a run
and survives a restart); every write goes to it first, then to the in-memory caches.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

import orjson

SCHEMA = """
CREATE TABLE IF NOT EXISTS custom_contacts (id INTEGER PRIMARY KEY, doc TEXT NOT NULL,
    changed_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS custom_deleted (id INTEGER PRIMARY KEY, deleted_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS company_contacts (company TEXT NOT NULL, id INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (company, id));
CREATE TABLE IF NOT EXISTS company_tags (company TEXT NOT NULL, id INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (company, id));
CREATE TABLE IF NOT EXISTS crm_contacts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS client_contacts (seq INTEGER PRIMARY KEY AUTOINCREMENT, _id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL);
"""
TABLES = (
    "custom_contacts",
    "custom_deleted",
    "company_contacts",
    "company_tags",
    "crm_contacts",
    "client_contacts",
)


def connect(path: str) -> sqlite3.Connection:
    if path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    if path != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def dumps(document: Any) -> bytes:
    """A document's JSON, to keep: copied out of orjson's buffer, which holds 4 KiB however short
    the JSON (a quarter of a million cached contacts would take a gigabyte)."""
    return bytes(memoryview(orjson.dumps(document)))


def text(raw: bytes) -> str:
    """Documents are stored as JSON text, so `json_extract(doc, '$.email')` works on them."""
    return raw.decode()
