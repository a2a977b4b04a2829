"""CycloneDX 1.2-1.6 JSON reader (and, by importing it, the XML reader).

Pipeline: orjson (GC off) → spec version → depth/string guard → official schema (jsonschema-rs)
→ ``cdx_normalize``. Only ``IngestError`` subclasses leave this module.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from hemostat.domain.component import Sbom, SbomFormat
from hemostat.errors import InputTooDeep, InvalidEncoding, MalformedDocument, SchemaViolation
from hemostat.ingest.cdx_common import (
    check_doc_version,
    gc_paused,
    normalize_safely,
    unsupported,
)
from hemostat.ingest.cdx_normalize import Context, build_sbom
from hemostat.ingest.cdx_schema import SUPPORTED_VERSIONS, check_limits, validate_json
from hemostat.ingest.json_unique import unique_json
from hemostat.ingest.reader import Limits, register

_SNIFF = re.compile(rb'"bomFormat"\s*:\s*"CycloneDX"')


def _utf8_error(data: bytes, source: str) -> InvalidEncoding | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InvalidEncoding(
            f"invalid UTF-8 at byte {exc.start}", file=source, location=f"byte {exc.start}"
        )
    return None


def load_json(data: bytes, *, source: str) -> Any:
    found = unique_json(data, source=source)
    if found is not None:
        return found
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        if "depth limit" in exc.msg or "recursion" in exc.msg:
            raise InputTooDeep(
                "JSON nested more than 1024 levels deep",
                file=source,
                location=where,
                code="json_too_deep",
            ) from None
        if "UTF-8" in exc.msg:
            raise (_utf8_error(data, source) or MalformedDocument(exc.msg, file=source)) from None
        raise MalformedDocument(f"not valid JSON: {exc.msg}", file=source, location=where) from None


def spec_version(doc: dict[str, Any], *, source: str) -> str:
    value = doc.get("specVersion")
    if isinstance(value, str) and value in SUPPORTED_VERSIONS:
        return value
    shown = "missing" if value is None else repr(value)[:40]
    raise unsupported(shown, source=source, location="/specVersion")


class CycloneDxJsonReader:
    format = SbomFormat.CYCLONEDX_JSON

    def sniff(self, head: bytes) -> bool:
        h = head.lstrip()
        return h[:1] == b"{" and (_SNIFF.search(h) is not None or b"cyclonedx.org/schema/bom-" in h)

    def read(self, data: bytes, *, source: str, limits: Limits, sha256: str) -> Sbom:
        with gc_paused():
            return self._read(data, source=source, limits=limits, sha256=sha256)

    def _read(self, data: bytes, *, source: str, limits: Limits, sha256: str) -> Sbom:
        doc = load_json(data, source=source)
        if not isinstance(doc, dict):
            raise SchemaViolation(
                "a CycloneDX BOM must be a JSON object", file=source, location="/"
            )
        version = spec_version(doc, source=source)
        check_limits(doc, max_depth=limits.max_depth, max_string=limits.max_string, source=source)
        validate_json(doc, version, source=source)
        check_doc_version(doc.get("version", 1), source=source, location="/version")
        ctx = Context(source, limits.max_depth, limits.max_components)
        fmt = self.format
        return normalize_safely(
            lambda: build_sbom(
                doc, fmt=fmt, spec_version=version, sha256=sha256, raw=data, ctx=ctx
            ),
            source=source,
        )


register(SbomFormat.CYCLONEDX_JSON, CycloneDxJsonReader)

# The XML reader registers itself on import; reader._load_builtin imports only this module.
from hemostat.ingest import cyclonedx_xml  # noqa: E402, F401
