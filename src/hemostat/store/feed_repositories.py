"""Queries and bulk writes for the feed store. Never commits: the service's unit of work does.

Records travel as msgpack of the domain dataclasses (msgspec: typed, ~10x faster than
rebuilding nested dataclasses from JSON columns)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hemostat.domain.component import Component
from hemostat.domain.vulnerability import CsafAdvisory, Vulnerability
from hemostat.store.feed_tables import (
    CsafAdvisoryRow,
    EpssRow,
    FeedRow,
    KevRow,
    QuarantineRow,
    VulnerabilityRow,
    VulnKeyRow,
)
from hemostat.store.mapping import component_from_row
from hemostat.store.repositories import _bulk, now
from hemostat.store.tables import ComponentRow, ProductRow, ReleaseRow, SbomRow

_ENCODER = msgspec.msgpack.Encoder()
_VULN = msgspec.msgpack.Decoder(Vulnerability)
_VULNS = msgspec.msgpack.Decoder(list[Vulnerability])
_ADVISORY = msgspec.msgpack.Decoder(CsafAdvisory)
_IN_CHUNK = 500  # bound for IN (...) lists
_SCAN_ABOVE = 5_000  # more ids than this: one scan of the feed beats many IN (...) queries
T = TypeVar("T")


def encode(record: Vulnerability | CsafAdvisory) -> bytes:
    return _ENCODER.encode(record)


def decode_vulnerability(blob: bytes) -> Vulnerability:
    return _VULN.decode(blob)


def decode_vulnerabilities(blobs: Sequence[bytes]) -> list[Vulnerability]:
    # One decode call for the whole list: msgpack array header + the stored bodies, concatenated.
    return _VULNS.decode(_array_header(len(blobs)) + b"".join(blobs))


def decode_advisory(blob: bytes) -> CsafAdvisory:
    return _ADVISORY.decode(blob)


def _array_header(n: int) -> bytes:
    if n < 16:
        return bytes([0x90 | n])
    if n < 1 << 16:
        return b"\xdc" + n.to_bytes(2, "big")
    return b"\xdd" + n.to_bytes(4, "big")


# --- feeds -------------------------------------------------------------------------------------


def feed_by_name(s: Session, name: str) -> FeedRow | None:
    return s.scalars(select(FeedRow).where(FeedRow.name == name)).one_or_none()


def list_feeds(s: Session) -> Sequence[FeedRow]:
    return s.scalars(select(FeedRow).order_by(FeedRow.kind, FeedRow.name)).all()


def feed_names(s: Session) -> set[str]:
    return set(s.scalars(select(FeedRow.name)).all())


def create_feed(s: Session, **values: Any) -> FeedRow:
    row = FeedRow(imported_at=now(), warnings=[], records=0, quarantined=0, **values)
    s.add(row)
    s.flush()
    return row


_RECORD_TABLES: dict[str, Any] = {
    "kev": KevRow,
    "epss": EpssRow,
    "csaf": CsafAdvisoryRow,
}


def count_records(s: Session, feed: FeedRow) -> int:
    table = _RECORD_TABLES.get(feed.kind, VulnerabilityRow)
    return int(s.scalar(select(func.count()).select_from(table).where(table.feed_id == feed.id)))


def count_quarantined(s: Session, feed_id: int) -> int:
    q = select(func.count()).select_from(QuarantineRow).where(QuarantineRow.feed_id == feed_id)
    return int(s.scalar(q))


# --- vulnerabilities -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredVuln:
    """A vulnerability ready to insert: its serialized record and index keys."""

    vuln: Vulnerability
    blob: bytes
    keys: frozenset[str]


def vuln_blobs(s: Session, feed_id: int, ids: Collection[str] | None = None) -> dict[str, bytes]:
    """Serialized records of a feed (all, or only ``ids``), by vulnerability id."""
    q = select(VulnerabilityRow.vuln_id, VulnerabilityRow.record).where(
        VulnerabilityRow.feed_id == feed_id
    )
    if ids is None:
        return {i: bytes(b) for i, b in s.execute(q).tuples()}
    out: dict[str, bytes] = {}
    for chunk in chunks(ids):
        out.update(
            (i, bytes(b)) for i, b in s.execute(q.where(VulnerabilityRow.vuln_id.in_(chunk)))
        )
    return out


def delete_vulns(s: Session, feed_id: int, ids: Collection[str] | None = None) -> None:
    """Delete a feed's vulnerabilities (and, by cascade, their keys)."""
    base = select(VulnerabilityRow.id).where(VulnerabilityRow.feed_id == feed_id)
    parts: Iterable[list[str] | None] = [None] if ids is None else chunks(ids)
    for chunk in parts:
        q = base if chunk is None else base.where(VulnerabilityRow.vuln_id.in_(chunk))
        pks = q.scalar_subquery()
        # Keys first: SQLite only cascades when foreign keys are on; be explicit everywhere.
        s.execute(delete(VulnKeyRow).where(VulnKeyRow.vuln_pk.in_(pks)))
        s.execute(delete(VulnerabilityRow).where(VulnerabilityRow.id.in_(pks)))


def insert_vulns(s: Session, feed_id: int, items: Sequence[StoredVuln]) -> None:
    rows = [
        {
            "feed_id": feed_id,
            "vuln_id": it.vuln.id,
            "aliases": list(it.vuln.aliases),
            "modified": it.vuln.modified,
            "withdrawn": it.vuln.withdrawn,
            "record": it.blob,
        }
        for it in items
    ]
    _bulk(s, VulnerabilityRow, rows)
    pk_of = _pks(s, feed_id, {it.vuln.id for it in items})
    keys = [{"key": k, "vuln_pk": pk_of[it.vuln.id]} for it in items for k in sorted(it.keys)]
    _bulk(s, VulnKeyRow, keys)


def _pks(s: Session, feed_id: int, wanted: set[str]) -> dict[str, int]:
    """Row ids of just-inserted records: by id lists for a delta, one scan for a whole feed."""
    q = select(VulnerabilityRow.vuln_id, VulnerabilityRow.id).where(
        VulnerabilityRow.feed_id == feed_id
    )
    if len(wanted) > _SCAN_ABOVE:
        return {v: pk for v, pk in s.execute(q).tuples() if v in wanted}
    out: dict[str, int] = {}
    for chunk in chunks(wanted):
        out.update(dict(s.execute(q.where(VulnerabilityRow.vuln_id.in_(chunk))).tuples().all()))
    return out


def vuln_blobs_for_keys(s: Session, keys: Collection[str]) -> list[bytes]:
    """Every stored record living under any of ``keys`` (all feeds), each once."""
    seen: dict[int, bytes] = {}
    for chunk in chunks(keys):
        q = (
            select(VulnerabilityRow.id, VulnerabilityRow.record)
            .join(VulnKeyRow, VulnKeyRow.vuln_pk == VulnerabilityRow.id)
            .where(VulnKeyRow.key.in_(chunk))
        )
        seen.update((pk, bytes(b)) for pk, b in s.execute(q).tuples())
    return [seen[pk] for pk in sorted(seen)]


def all_vuln_blobs(s: Session) -> list[bytes]:
    q = select(VulnerabilityRow.record).order_by(VulnerabilityRow.id)
    return [bytes(b) for b in s.scalars(q)]


# --- stored releases (fleet) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LatestSbom:
    sbom_id: int
    product: str
    release: str


def latest_sboms(s: Session) -> list[LatestSbom]:
    """The latest SBOM revision of every stored release."""
    latest = (
        select(SbomRow.release_id, func.max(SbomRow.revision).label("rev"))
        .group_by(SbomRow.release_id)
        .subquery()
    )
    q = (
        select(SbomRow.id, ProductRow.key, ReleaseRow.version)
        .join(
            latest, (latest.c.release_id == SbomRow.release_id) & (latest.c.rev == SbomRow.revision)
        )
        .join(ReleaseRow, ReleaseRow.id == SbomRow.release_id)
        .join(ProductRow, ProductRow.id == ReleaseRow.product_id)
        .order_by(ProductRow.key, ReleaseRow.version)
    )
    return [LatestSbom(i, p, r) for i, p, r in s.execute(q).tuples()]


def component_identifiers(
    s: Session, sbom_ids: Collection[int]
) -> list[tuple[int, int, str | None, list[Any]]]:
    """(sbom id, component row id, purl, cpes) of the given SBOMs."""
    out: list[tuple[int, int, str | None, list[Any]]] = []
    q = select(ComponentRow.sbom_id, ComponentRow.id, ComponentRow.purl, ComponentRow.cpes)
    for chunk in chunks(list(sbom_ids)):
        out.extend(s.execute(q.where(ComponentRow.sbom_id.in_(chunk))).tuples())
    return out


def components_of(s: Session, sbom_id: int) -> list[Component]:
    q = select(ComponentRow).where(ComponentRow.sbom_id == sbom_id).order_by(ComponentRow.id)
    return [component_from_row(r) for r in s.scalars(q)]


def chunks(items: Collection[T]) -> Iterable[list[T]]:
    seq = list(items)
    for i in range(0, len(seq), _IN_CHUNK):
        yield seq[i : i + _IN_CHUNK]
