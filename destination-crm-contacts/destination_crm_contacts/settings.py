"""The command line's files and the config's shape, each mistake told in one sentence naming the
file or the field, and the fix.

The CDK words these for developers: a missing file is "Something went wrong" with a stack trace,
and a schema mistake quotes the value but not the field ("'x' does not match '^https?://'"). Here a
file is read once with its own message, and the spec's schema errors name the field's path, what
it must be, and never its value (it may be a secret).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from airbyte_cdk.models import AirbyteMessage, FailureType, StreamDescriptor
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError, best_match

CONFIG_FIX = (
    "Give the destination's config as a JSON object (see secrets.example/destination-crm-contacts.json)."
)
CATALOG_FIX = "Give a configured catalog: a JSON object with the streams to write and a sync mode for each."


class SettingsError(AirbyteTracedException):
    """A file or config the connector cannot run with: a config error, told without a stack trace."""

    def __init__(self, message: str) -> None:
        super().__init__(message=message, internal_message=message, failure_type=FailureType.config_error)

    def as_airbyte_message(self, stream_descriptor: StreamDescriptor | None = None) -> AirbyteMessage:
        message = super().as_airbyte_message(stream_descriptor)
        if message.trace is not None and message.trace.error is not None:
            # The mistake is the user's, and the message says all: the connector's stack says nothing.
            message.trace.error.stack_trace = None
        return message


def read_json_file(kind: str, path: str, fix: str) -> Any:
    try:
        return orjson.loads(Path(path).read_bytes())
    except FileNotFoundError:
        problem = "does not exist"
    except OSError as error:
        problem = f"cannot be read ({error.strerror or error})"
    except orjson.JSONDecodeError as error:
        problem = f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
    raise SettingsError(f"The {kind} file {path!r} {problem}. {fix}")


def spec_problem(config: Any, schema: Mapping[str, Any]) -> str | None:
    """The first way the config breaks the spec's schema, naming the field; None when it fits."""
    if not isinstance(config, Mapping):
        return f"The config is not a JSON object. {CONFIG_FIX}"
    error = best_match(Draft7Validator(schema).iter_errors(config))
    return None if error is None else _sentence(_of_chosen_branch(error))


def _of_chosen_branch(error: ValidationError) -> ValidationError:
    """In a `oneOf` of objects told apart by a `const` field (`storage_type`), the error of the
    branch the config chose, rather than the const of another; the `oneOf` itself when the config
    chose none."""
    parent = error.parent
    if parent is None or parent.validator != "oneOf":
        return error
    branches: dict[Any, list[ValidationError]] = {}
    for sub in parent.context or []:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    chosen = [subs for subs in branches.values() if not any(sub.validator == "const" for sub in subs)]
    if len(chosen) == 1:
        return best_match(chosen[0])
    return parent


def _sentence(error: ValidationError) -> str:
    path = ".".join(str(step) for step in error.absolute_path)
    where = f"Config field {path}" if path else "The config"
    expected = error.validator_value
    if error.validator == "oneOf":
        consts = [sub for sub in error.context or [] if sub.validator == "const"]
        if not consts:
            return f"{where} fits none of its choices: correct its value."
        field = ".".join(str(step) for step in consts[0].absolute_path)
        choices = ", ".join(str(sub.validator_value) for sub in consts)
        return f"Config field {field} must be one of {choices}: choose one of them."
    if error.validator == "required":
        missing = next((name for name in expected if name not in (error.instance or {})), expected[0])
        field = f"{path}.{missing}" if path else missing
        return f"Config field {field} is missing: add it to the config."
    if error.validator == "type":
        return f"{where} must be {_a(expected)}: correct its value."
    if error.validator == "enum":
        return f"{where} must be one of {', '.join(map(str, expected))}: choose one of them."
    if error.validator == "minLength" and expected == 1:
        return f"{where} is empty: give it a value."
    if error.validator == "pattern" and expected == "^https?://":
        return f"{where} must start with http:// or https://: correct its value."
    if error.validator == "pattern":
        return f"{where} must match {expected}: correct its value."
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": "at least", "maximum": "at most"}.get(str(error.validator), "beyond")
        return f"{where} must be {bound} {expected}: correct its value."
    return f"{where} does not fit the spec ({error.validator} {expected}): correct its value."


def _a(json_type: Any) -> str:
    names = {"object": "an object", "array": "a list", "integer": "a whole number", "number": "a number"}
    types = json_type if isinstance(json_type, list) else [json_type]
    return " or ".join(names.get(str(name), f"a {name}") for name in types)
