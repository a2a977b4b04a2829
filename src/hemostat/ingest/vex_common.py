"""What the three VEX readers share: typed field access that fails with file, location and the
allowed values; timestamps; and the reverse vocabulary mappings (format label -> internal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from hemostat.domain.assessment import Justification
from hemostat.domain.purl import PurlError, purl_parts
from hemostat.domain.vex import VexProduct
from hemostat.errors import MalformedDocument, SchemaViolation

E = TypeVar("E", bound=StrEnum)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# OpenVEX / CSAF flag label -> internal justification. Folded labels come back as one choice
# (documented lossy: e.g. protected_at_perimeter -> inline_mitigations_already_exist ->
# protected_by_mitigating_control).
FROM_OPENVEX: dict[str, Justification] = {
    "component_not_present": Justification.COMPONENT_NOT_PRESENT,
    "vulnerable_code_not_present": Justification.CODE_NOT_PRESENT,
    "vulnerable_code_not_in_execute_path": Justification.CODE_NOT_REACHABLE,
    "vulnerable_code_cannot_be_controlled_by_adversary": Justification.REQUIRES_CONFIGURATION,
    "inline_mitigations_already_exist": Justification.PROTECTED_BY_MITIGATING_CONTROL,
}


@dataclass(frozen=True, slots=True)
class Where:
    """The file being read and a JSON-pointer-like location inside it."""

    source: str
    path: str = ""

    def at(self, *parts: object) -> Where:
        return Where(self.source, self.path + "".join(f"/{p}" for p in parts))

    def malformed(self, message: str, hint: str | None = None) -> MalformedDocument:
        return MalformedDocument(message, file=self.source, location=self.path or "/", hint=hint)

    def invalid(self, message: str, hint: str | None = None) -> SchemaViolation:
        return SchemaViolation(message, file=self.source, location=self.path or "/", hint=hint)


def obj(value: Any, where: Where) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise where.malformed(f"expected an object, found {type(value).__name__}")
    return value


def arr(value: Any, where: Where) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise where.malformed(f"expected an array, found {type(value).__name__}")
    return value


def text(value: Any, where: Where, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise where.malformed("expected a non-empty string" if required else "expected a string")
    return value


def enum(cls: type[E], value: Any, where: Where, table: Mapping[str, E] | None = None) -> E:
    allowed = table if table is not None else {e.value: e for e in cls}
    if isinstance(value, str) and value in allowed:
        return allowed[value]
    raise where.invalid(
        f"{value!r} is not an allowed value",
        hint="use one of: " + ", ".join(sorted(allowed)),
    )


def when(value: Any, where: Where, default: datetime | None = None) -> datetime:
    if value is None and default is not None:
        return default
    try:
        parsed = datetime.fromisoformat(_trim_nanos(str(value)))
    except ValueError:
        raise where.invalid(
            f"{str(value)[:60]!r} is not an RFC 3339 date-time",
            hint="write e.g. 2024-06-01T09:00:00Z",
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _trim_nanos(value: str) -> str:
    # Go tools write nanoseconds (9 digits); Python accepts at most microseconds.
    if "." not in value:
        return value
    head, _, tail = value.partition(".")
    digits = len(tail) - len(tail.lstrip("0123456789"))
    return f"{head}.{tail[: min(digits, 6)]}{tail[digits:]}"


def product_from_ids(ident: str, purl: str = "", cpe: str = "") -> VexProduct:
    """A product named by an identifier; name and version come from the purl when there is one."""
    purl = purl or (ident if ident.startswith("pkg:") else "")
    cpe = cpe or (ident if ident.startswith("cpe:") else "")
    name = version = ""
    if purl:
        try:
            parts = purl_parts(purl)
        except PurlError:
            parts = None
        if parts is not None:
            name, version = parts.name, parts.version or ""
    return VexProduct(bom_ref=ident, name=name, version=version, purl=purl, cpe=cpe)
