"""Helpers shared by the three VEX renderers: timestamps, ordering and identifiers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from hemostat.domain.vex import VexDocument, VexProduct, VexStatement, check_statement

Doc = dict[str, Any]
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/hemostat/hemostat/vex")
# CycloneDX has no component_not_present: the original label travels in front of the detail.
CNP_MARK = "[component_not_present] "


def iso(when: datetime) -> str:
    """RFC 3339 in UTC with a Z suffix (naive datetimes are taken as UTC)."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(doc: Doc) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def checked(doc: VexDocument) -> tuple[VexStatement, ...]:
    """The statements in canonical order, each checked for illegal combinations."""
    statements = doc.sorted_statements()
    for st in statements:
        check_statement(st)
    return statements


def products(statements: tuple[VexStatement, ...]) -> tuple[VexProduct, ...]:
    """Unique products in key order (first statement wins when two share a key)."""
    seen: dict[str, VexProduct] = {}
    for st in statements:
        seen.setdefault(st.product.key(), st.product)
    return tuple(seen[k] for k in sorted(seen))


def urn_uuid(doc_id: str) -> str:
    """``doc_id`` when it already is a urn:uuid, else one derived from it."""
    if doc_id.startswith("urn:uuid:"):
        return doc_id
    return f"urn:uuid:{uuid.uuid5(_NS, doc_id)}"
