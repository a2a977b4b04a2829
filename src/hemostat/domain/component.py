"""Products, releases, SBOMs and their components."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

# The hemostat: property taxonomy (docs/sbom-properties.md). No SBOM standard has fields for the
# FDA's "level of support" and "end-of-support date", so they travel as component properties
# (CycloneDX) or annotations (SPDX). Readers parse them, exporters write them back.
PROP_LEVEL = "hemostat:level_of_support"
PROP_EOS = "hemostat:end_of_support"
PROP_NOTE = "hemostat:support_note"
# CycloneDX has one ``cpe`` field: exporters put further CPEs in properties under this name.
PROP_CPE = "hemostat:cpe"


class SbomFormat(StrEnum):
    CYCLONEDX_JSON = "cyclonedx-json"
    CYCLONEDX_XML = "cyclonedx-xml"
    SPDX_JSON = "spdx-json"
    SPDX_TAGVALUE = "spdx-tag-value"
    SPDX3_JSONLD = "spdx3-jsonld"


class SupportLevel(StrEnum):
    """FDA's examples for a component's level of support (premarket guidance V.A.4)."""

    ACTIVELY_MAINTAINED = "actively_maintained"
    NO_LONGER_MAINTAINED = "no_longer_maintained"
    ABANDONED = "abandoned"
    UNKNOWN = "unknown"


class DeviceClass(StrEnum):
    I = "I"  # noqa: E741 - the FDA's own name for the class
    II = "II"
    III = "III"


class SupportStatus(StrEnum):
    """Where a release stands in its manufacturer's support lifecycle."""

    SUPPORTED = "supported"
    LIMITED = "limited"
    END_OF_SUPPORT = "end_of_support"


@dataclass(frozen=True, slots=True)
class Hash:
    alg: str  # CycloneDX spelling: "SHA-256", "SHA-1", "MD5", "SHA3-256", ...
    value: str  # lower-case hex


@dataclass(frozen=True, slots=True)
class Component:
    """One component as it appears in one SBOM revision, normalized.

    ``identity`` is version-free and stable across SBOM revisions and releases, so decisions about
    a component can follow it: the purl without version/qualifiers/subpath, else the CPE
    vendor:product, else type + supplier/group + name.
    """

    bom_ref: str
    name: str
    type: str = "library"
    version: str | None = None
    group: str | None = None
    supplier: str | None = None
    purl: str | None = None
    cpes: tuple[str, ...] = ()
    hashes: tuple[Hash, ...] = ()
    licenses: tuple[str, ...] = ()
    scope: str | None = None
    description: str | None = None
    level_of_support: SupportLevel | None = None
    end_of_support: date | None = None
    support_note: str | None = None
    properties: tuple[tuple[str, str], ...] = ()

    @property
    def identity(self) -> str:
        return component_identity(self)


@dataclass(frozen=True, slots=True)
class Dependency:
    ref: str
    depends_on: str


@dataclass(frozen=True, slots=True)
class Sbom:
    """A normalized SBOM plus the exact bytes it came from."""

    format: SbomFormat
    spec_version: str
    sha256: str
    raw: bytes = field(repr=False)
    components: tuple[Component, ...]
    dependencies: tuple[Dependency, ...] = ()
    subject: Component | None = None
    serial: str | None = None
    doc_version: int | None = None
    name: str | None = None
    timestamp: datetime | None = None
    authors: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    supplier: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Product:
    """A device model."""

    name: str
    manufacturer: str
    model_number: str | None = None
    intended_use: str | None = None
    device_class: DeviceClass | None = None
    cyber_device: bool = True


@dataclass(frozen=True, slots=True)
class Release:
    product: str
    version: str
    released: date | None = None
    support_status: SupportStatus = SupportStatus.SUPPORTED


def component_identity(c: Component) -> str:
    """The version-free key that follows a component across revisions."""
    if c.purl:
        return "purl:" + purl_base(c.purl)
    if c.cpes:
        parts = c.cpes[0].split(":")
        if len(parts) > 5:
            return f"cpe:{parts[2]}:{parts[3]}:{parts[4]}"
    owner = (c.group or c.supplier or "").strip().lower()
    return f"name:{c.type}/{owner}/{c.name.strip().lower()}"


def purl_base(purl: str) -> str:
    """``pkg:type/ns/name`` without version, qualifiers and subpath (purl already canonical)."""
    for sep in ("#", "?"):
        purl = purl.split(sep, 1)[0]
    head, _, tail = purl.rpartition("/")
    if "@" in tail:
        tail = tail.split("@", 1)[0]
    return f"{head}/{tail}" if head else tail
