"""The command line: the CDK's entrypoint, with the files and the config read so that every
mistake in them is one sentence naming the file or the field, and the fix.

- A missing or unreadable `--config`, `--catalog` or `--state` file is a config error naming the
  file, printed as one trace message, without a stack trace.
- The config is read by our own parser before the spec's JSON schema: the schema's `oneOf`
  between the two APIs answers "'company' was expected" for any mistake inside either of them,
  where the parser names the field, the API and the fix.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.logger import PRINT_BUFFER
from airbyte_cdk.models import (
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
    FailureType,
)
from airbyte_cdk.sources import Source
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_custom_contacts.config import parse_config

T = TypeVar("T")


class InputFileError(AirbyteTracedException):
    """A file given on the command line that cannot be used; the message names it and the fix."""


def read_input_file(kind: str, path: str | None, load: Callable[[Any], T], fix: str) -> T:
    """`load(path)`, with any failure turned into an `InputFileError`. The file is parsed once
    here first: the CDK's loaders word a missing file or broken JSON for developers. No path
    (an optional file left out) is the loader's to handle."""
    if not path:
        return load(path)
    try:
        with open(path, "rb") as file:
            json.load(file)
        return load(path)
    except FileNotFoundError:
        problem = "does not exist"
    except OSError as error:
        problem = f"cannot be read ({error.strerror or error})"
    except json.JSONDecodeError as error:
        problem = f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
    except (ValueError, TypeError, KeyError) as error:
        problem = f"is not a valid {kind} ({_first_lines(error)})"
    message = f"The {kind} file {path!r} {problem}. {fix}"
    raise InputFileError(message=message, internal_message=message, failure_type=FailureType.config_error)


def _first_lines(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(line.strip() for line in text.splitlines()[:3])


class ReadableInputFiles(Source):
    """The CDK's readers of the command line's files, with errors that name the file."""

    @classmethod
    def read_config(cls, config_path: str) -> Any:
        return read_input_file(
            "config", config_path, Source.read_config, "Give a JSON object that is valid against the spec."
        )

    @classmethod
    def read_catalog(cls, catalog_path: str) -> ConfiguredAirbyteCatalog:
        return read_input_file(
            "catalog",
            catalog_path,
            super().read_catalog,
            "Give a configured catalog: the output of `discover`, with a sync mode for each stream.",
        )

    @classmethod
    def read_state(cls, state_path: str) -> list[AirbyteStateMessage]:
        return read_input_file(
            "state",
            state_path,
            super().read_state,
            "Give the list of STATE messages a previous sync emitted, or reset the connection's "
            "state to start again with a full read.",
        )


class ContactsEntrypoint(AirbyteEntrypoint):
    @staticmethod
    def validate_connection(source_spec: ConnectorSpecification, config: Mapping[str, Any]) -> None:
        parse_config(config)
        AirbyteEntrypoint.validate_connection(source_spec, config)


def launch(source: Source, args: list[str]) -> None:
    """The CDK's `launch`, with our entrypoint, and a bad input file told in one trace message."""
    entrypoint = ContactsEntrypoint(source)
    parsed_args = entrypoint.parse_args(args)
    try:
        with PRINT_BUFFER:
            for message in entrypoint.run(parsed_args):
                print(f"{message}\n", end="")
    except InputFileError as error:
        error.emit_message()
        sys.exit(1)
