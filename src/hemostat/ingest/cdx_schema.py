"""CycloneDX JSON: the bundled official schemas (1.2-1.6) compiled once with jsonschema-rs, plus a
cheap depth / string-length guard that runs before them.

$refs (``spdx.schema.json``, ``jsf-0.82.schema.json``) resolve from the package through a local
registry; ``offline=True`` forbids any fetch. Two deliberate departures from a plain validator:

* format checking is on, so a malformed ``date-time`` is a schema violation (the schemas' only
  strict use of formats); ``iri-reference`` and ``idn-email`` are accepted as written, because
  real SBOMs carry unexpanded build placeholders in URLs (``https://…/${project.artifactId}``);
* JSF's ``signer.algorithm`` is ``oneOf`` [known name, URI]: without format checks a known name
  like ``RS256`` matches both branches and valid signed BOMs fail. It is compiled as ``anyOf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from itertools import islice
from typing import Any

import jsonschema_rs
import orjson

from hemostat.errors import IngestError, InputTooDeep, SchemaViolation

SUPPORTED_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")
SUPPORTED_TEXT = "CycloneDX 1.2, 1.3, 1.4, 1.5 and 1.6 (JSON and XML)"
MAX_REPORTED = 10
_BASE = "http://cyclonedx.org/schema/"


def schema_bytes(name: str) -> bytes:
    return files("hemostat").joinpath("data", "schemas", "cyclonedx", name).read_bytes()


def _jsf() -> dict[str, Any]:
    jsf: dict[str, Any] = orjson.loads(schema_bytes("jsf-0.82.schema.json"))
    algorithm = jsf.get("definitions", {}).get("signer", {}).get("properties", {})
    algorithm = algorithm.get("algorithm", {})
    if "oneOf" in algorithm:
        algorithm["anyOf"] = algorithm.pop("oneOf")
    return jsf


def _accept(_value: str) -> bool:
    return True


@cache
def json_validator(version: str) -> Any:
    """The compiled validator for one spec version (non-strict schemas for 1.2/1.3)."""
    registry = jsonschema_rs.Registry(
        [
            (_BASE + "spdx.schema.json", orjson.loads(schema_bytes("spdx.schema.json"))),
            (_BASE + "jsf-0.82.schema.json", _jsf()),
        ]
    )
    return jsonschema_rs.Draft7Validator(
        orjson.loads(schema_bytes(f"bom-{version}.schema.json")),
        registry=registry,
        offline=True,
        validate_formats=True,
        formats={"iri-reference": _accept, "idn-email": _accept},
    )


@cache
def _limits_validator(max_depth: int, max_string: int) -> Any:
    """Nesting depth and string length in one Rust pass: level ``d`` of the document is checked
    by definition ``d`` (built iteratively with $refs, so the schema stays linear in size)."""
    defs: dict[str, Any] = {"scalar": {"type": ["string", "number", "boolean", "null"]}}
    for d in range(1, max_depth + 1):
        nxt = {"$ref": "#/definitions/scalar" if d == max_depth else f"#/definitions/d{d + 1}"}
        defs[f"d{d}"] = {"items": nxt, "additionalProperties": nxt, "propertyNames": {}}
    for sub in defs.values():
        sub["maxLength"] = max_string
        if "propertyNames" in sub:
            sub["propertyNames"]["maxLength"] = max_string
    return jsonschema_rs.Draft7Validator({"definitions": defs, "$ref": "#/definitions/d1"})


def pointer(path: Sequence[str | int]) -> str:
    """RFC 6901 JSON Pointer."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def check_limits(doc: object, *, max_depth: int, max_string: int, source: str) -> None:
    """``InputTooDeep`` beyond ``max_depth`` levels; ``field_too_large`` for long strings."""
    validator = _limits_validator(max_depth, max_string)
    if validator.is_valid(doc):
        return
    try:
        error = next(iter(validator.iter_errors(doc)))
    except ValueError:  # building the error converts the (very deep) subtree back to Python
        error = None
    where = pointer(error.instance_path) if error is not None else None
    if error is None or isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Type):
        raise InputTooDeep(
            f"JSON nested deeper than {max_depth} levels",
            file=source,
            location=where,
            code="json_too_deep",
            hint="raise HEMOSTAT_LIMIT_MAX_DEPTH if this SBOM is genuine",
        )
    raise IngestError(
        f"a string (or key) is longer than {max_string} characters",
        file=source,
        location=where,
        code="field_too_large",
        hint="raise HEMOSTAT_LIMIT_MAX_STRING if this SBOM is genuine",
    )


def validate_json(doc: object, version: str, *, source: str) -> None:
    """Raise ``SchemaViolation`` listing up to ``MAX_REPORTED`` errors with JSON Pointers."""
    validator = json_validator(version)
    if validator.is_valid(doc):
        return
    errors = list(islice(validator.iter_errors(doc), MAX_REPORTED + 1))
    shown = [f"{pointer(e.instance_path)}: {short(e.message)}" for e in errors[:MAX_REPORTED]]
    more = " (more not shown)" if len(errors) > MAX_REPORTED else ""
    raise SchemaViolation(
        f"not valid CycloneDX {version}: " + "; ".join(shown) + more,
        file=source,
        location=pointer(errors[0].instance_path),
        hint=f"the document must follow the official CycloneDX {version} JSON schema",
    )
