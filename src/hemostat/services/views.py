"""Read models handed to the adapters (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ProductView:
    key: str
    name: str
    manufacturer: str
    model_number: str | None
    intended_use: str | None
    device_class: str | None
    cyber_device: bool
    releases: int = 0


@dataclass(frozen=True, slots=True)
class ReleaseView:
    product: str
    version: str
    released: date | None
    support_status: str
    revisions: int = 0
    components: int | None = None


@dataclass(frozen=True, slots=True)
class SbomView:
    product: str
    release: str
    revision: int
    format: str
    spec_version: str
    sha256: str
    source_name: str
    component_count: int
    imported_at: datetime
    serial: str | None = None
    timestamp: datetime | None = None
    warnings: tuple[str, ...] = ()
    completeness: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportResult:
    sbom: SbomView
    created: bool  # False: the same bytes were already stored for this release
    enriched: int = 0
