"""The published JSON Schemas for threat-model and threat-rule files, compiled once with
jsonschema-rs, and their errors turned into diagnostics with file and line.

The schemas are also the one source of the enumerations (interface kinds, authentication, data
classes …) that the condition language checks rule literals against.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema_rs
import orjson

from hemostat.errors import Diagnostic
from hemostat.threat.model_yaml import YamlDoc, child, problem

MODEL_SCHEMA = "threat-model.schema.json"
RULES_SCHEMA = "threat-rules.schema.json"


@cache
def schema(name: str) -> dict[str, Any]:
    data = files("hemostat").joinpath("data", "schemas", "hemostat", name).read_bytes()
    loaded: dict[str, Any] = orjson.loads(data)
    return loaded


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(schema(name), offline=True)


def enum(name: str) -> frozenset[str]:
    """The values of ``$defs/<name>`` in the threat-model schema (e.g. ``interface_kind``)."""
    return frozenset(schema(MODEL_SCHEMA)["$defs"][name]["enum"])


def allowed_keys(definition: str) -> tuple[str, ...]:
    props = schema(MODEL_SCHEMA)["$defs"][definition]["properties"]
    return tuple(sorted(props))


def schema_problems(doc: YamlDoc, *, name: str, file: str) -> list[Diagnostic]:
    """Every schema violation in ``doc``, each located at the line of the offending value/key."""
    validator = _validator(name)
    if validator.is_valid(doc.value):
        return []
    out: list[Diagnostic] = []
    for error in validator.iter_errors(doc.value):
        out.extend(_describe(error, doc, file, name))
    return sorted(out, key=_line_of)


def _line_of(diagnostic: Diagnostic) -> int:
    return int((diagnostic.location or "line 0").removeprefix("line "))


def _pointer(path: Any) -> str:
    pointer = ""
    for part in path:
        pointer = child(pointer, part)
    return pointer


def _describe(error: Any, doc: YamlDoc, file: str, name: str) -> list[Diagnostic]:
    pointer = _pointer(error.instance_path)
    where = pointer or "/"
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        return [
            problem(
                "unknown_key",
                f"unknown key `{key}` in {where}",
                file,
                doc.line(child(pointer, key)),
                hint=f"check the spelling; the allowed keys are listed in {name}",
            )
            for key in kind.unexpected
        ]
    hint = None
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type) and isinstance(
        _at(doc.value, error.instance_path), int | float
    ):
        hint = 'quote it: YAML reads 2.1 as a number, "2.1" as text'
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Pattern) and "@" not in pointer:
        hint = "ids start with a letter or digit and use only letters, digits, '.', '_', '-'"
    message = f"{where}: {_short(error.message)}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
        shown = _short(str(_at(doc.value, error.instance_path)), 60)
        message = f"{where}: `{shown}` is not one of: {', '.join(map(str, kind.options))}"
    return [problem("schema", message, file, doc.line(pointer), hint=hint)]


def _at(value: Any, path: Any) -> Any:
    for part in path:
        value = value[part]
    return value


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
