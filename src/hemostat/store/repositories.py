"""Queries and bulk writes. Repositories never commit: the service's unit of work does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Table, func, insert, select, update
from sqlalchemy.orm import Session

from hemostat.domain.component import Dependency, Sbom, SbomFormat
from hemostat.store.mapping import component_from_row, component_to_row, subject_to_json
from hemostat.store.tables import (
    ComponentRow,
    DependencyRow,
    EnrichmentRow,
    ProductRow,
    ReleaseRow,
    SbomRow,
)

_CHUNK = 5_000


def now() -> datetime:
    return datetime.now(UTC)


def product_by_key(s: Session, key: str) -> ProductRow | None:
    return s.scalars(select(ProductRow).where(ProductRow.key == key)).one_or_none()


def list_products(s: Session) -> Sequence[ProductRow]:
    return s.scalars(select(ProductRow).order_by(ProductRow.key)).all()


def release_of(s: Session, product_id: int, version: str) -> ReleaseRow | None:
    q = select(ReleaseRow).where(ReleaseRow.product_id == product_id, ReleaseRow.version == version)
    return s.scalars(q).one_or_none()


def list_releases(s: Session, product_id: int | None = None) -> Sequence[tuple[ReleaseRow, str]]:
    q = select(ReleaseRow, ProductRow.key).join(ProductRow).order_by(ProductRow.key, ReleaseRow.id)
    if product_id is not None:
        q = q.where(ReleaseRow.product_id == product_id)
    return [(r, k) for r, k in s.execute(q).all()]


def sbom_by_sha(s: Session, release_id: int, sha256: str) -> SbomRow | None:
    q = select(SbomRow).where(SbomRow.release_id == release_id, SbomRow.sha256 == sha256)
    return s.scalars(q).one_or_none()


def next_revision(s: Session, release_id: int) -> int:
    q = select(func.max(SbomRow.revision)).where(SbomRow.release_id == release_id)
    return int(s.scalar(q) or 0) + 1


def sboms_of(s: Session, release_id: int) -> Sequence[SbomRow]:
    q = select(SbomRow).where(SbomRow.release_id == release_id).order_by(SbomRow.revision)
    return s.scalars(q).all()


def sbom_revision(s: Session, release_id: int, revision: int | None) -> SbomRow | None:
    q = select(SbomRow).where(SbomRow.release_id == release_id)
    if revision is None:
        q = q.order_by(SbomRow.revision.desc()).limit(1)
    else:
        q = q.where(SbomRow.revision == revision)
    return s.scalars(q).first()


def insert_sbom(
    s: Session,
    *,
    release_id: int,
    revision: int,
    sbom: Sbom,
    source_name: str,
    completeness: dict[str, Any],
) -> SbomRow:
    row = SbomRow(
        release_id=release_id,
        revision=revision,
        format=sbom.format.value,
        spec_version=sbom.spec_version,
        serial=sbom.serial,
        doc_version=sbom.doc_version,
        name=sbom.name,
        timestamp=sbom.timestamp,
        authors=list(sbom.authors),
        tools=list(sbom.tools),
        supplier=sbom.supplier,
        subject=subject_to_json(sbom.subject),
        warnings=list(sbom.warnings),
        completeness=completeness,
        source_name=source_name,
        sha256=sbom.sha256,
        raw=sbom.raw,
        component_count=len(sbom.components),
        imported_at=now(),
    )
    s.add(row)
    s.flush()
    _bulk(s, ComponentRow, [component_to_row(c, row.id) for c in sbom.components])
    deps = {(d.ref, d.depends_on) for d in sbom.dependencies}
    _bulk(s, DependencyRow, [{"sbom_id": row.id, "ref": a, "depends_on": b} for a, b in deps])
    return row


def _bulk(s: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert without per-row ORM round trips: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if s.get_bind().dialect.name == "postgresql":
        _copy(s, table.__table__, rows)
        return
    for i in range(0, len(rows), _CHUNK):
        s.execute(insert(table), rows[i : i + _CHUNK])


def _copy(s: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    # COPY is ~4x faster than multi-row INSERT on PostgreSQL for 10k components + 30k edges.
    cols = list(rows[0])
    json_cols = {c for c in cols if isinstance(table.c[c].type, JSON)}
    raw = s.connection().connection.driver_connection
    if raw is None:  # pragma: no cover - a live session always has a driver connection
        raise RuntimeError("no driver connection for COPY")
    names = ", ".join(f'"{c}"' for c in cols)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as cp:
        for r in rows:
            cp.write_row([orjson.dumps(r[c]).decode() if c in json_cols else r[c] for c in cols])


def load_sbom(s: Session, row: SbomRow) -> Sbom:
    comps = s.scalars(
        select(ComponentRow).where(ComponentRow.sbom_id == row.id).order_by(ComponentRow.id)
    ).all()
    deps = s.execute(
        select(DependencyRow.ref, DependencyRow.depends_on)
        .where(DependencyRow.sbom_id == row.id)
        .order_by(DependencyRow.ref, DependencyRow.depends_on)
    ).all()
    return Sbom(
        format=SbomFormat(row.format),
        spec_version=row.spec_version,
        sha256=row.sha256,
        raw=row.raw,
        components=tuple(component_from_row(c) for c in comps),
        dependencies=tuple(Dependency(a, b) for a, b in deps),
        subject=component_from_row(row.subject) if row.subject else None,
        serial=row.serial,
        doc_version=row.doc_version,
        name=row.name,
        timestamp=_aware(row.timestamp),
        authors=tuple(row.authors),
        tools=tuple(row.tools),
        supplier=row.supplier,
        warnings=tuple(row.warnings),
    )


def _aware(ts: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything Hemostat stores is UTC.
    if ts is not None and ts.tzinfo is None:
        return ts.replace(tzinfo=UTC)
    return ts


def component_rows(s: Session, sbom_id: int) -> Sequence[ComponentRow]:
    return s.scalars(select(ComponentRow).where(ComponentRow.sbom_id == sbom_id)).all()


def update_support(s: Session, component_id: int, values: dict[str, Any]) -> None:
    s.execute(update(ComponentRow).where(ComponentRow.id == component_id).values(**values))


def add_enrichment(s: Session, **values: Any) -> EnrichmentRow:
    row = EnrichmentRow(applied_at=now(), **values)
    s.add(row)
    s.flush()
    return row
