"""Feed use cases: import local feed files, load the bundled snapshot, report status, and hand
the stored intelligence to scanning (``load_intel``)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.orm import Session

from hemostat.domain.vulnerability import (
    CsafAdvisory,
    EpssScore,
    FeedKind,
    KevEntry,
    Provenance,
    Vulnerability,
)
from hemostat.feeds import read_feed
from hemostat.match.index import VulnIndex
from hemostat.services import feed_bundle
from hemostat.services.feed_apply import FeedImportReport, FeedMeta, apply_batch, latest_by_id
from hemostat.services.feed_impact import ReleaseImpact
from hemostat.store import feed_records as frec
from hemostat.store import feed_repositories as frepo
from hemostat.store.feed_tables import FeedRow

__all__ = [
    "STALE_DAYS",
    "FeedImportReport",
    "FeedStatus",
    "Intel",
    "ReleaseImpact",
    "ensure_bundled",
    "import_path",
    "load_intel",
    "stale_days_from",
    "status",
]

STALE_DAYS: Mapping[FeedKind, int] = MappingProxyType(
    {FeedKind.KEV: 7, FeedKind.EPSS: 7, FeedKind.OSV: 14, FeedKind.NVD: 14, FeedKind.CSAF: 90}
)


_EPSS_BY_ID = 50_000  # above this many CVEs one full scan beats chunked IN (...) queries


@dataclass(frozen=True, slots=True)
class FeedStatus:
    feed: str
    kind: FeedKind
    origin: str  # bundled | imported | synced
    source: str
    snapshot: date
    records: int
    quarantined: int
    age_days: int
    stale: bool
    stale_after_days: int
    imported_at: datetime
    checked_at: datetime | None
    licence: str | None = None


@dataclass(frozen=True, slots=True)
class Intel:
    """Everything a scan needs, in memory."""

    index: VulnIndex
    kev: dict[str, KevEntry]
    epss: dict[str, EpssScore]
    advisories: tuple[CsafAdvisory, ...]
    snapshot: dict[str, date]  # feed family -> snapshot date


def import_path(
    session: Session,
    *,
    path: Path,
    kind: FeedKind | None = None,
    allow_shrink: bool = False,
    merge: bool = False,
) -> FeedImportReport:
    """Read a local feed source (auto-detected unless ``kind``) and apply it in the caller's
    transaction: all of it or, on any error, none of it. ``merge`` applies a complete source as
    an update (upsert by id, nothing removed), e.g. a few extra OSV advisories."""
    batch = read_feed(path, kind=kind)
    if merge:
        batch = dataclasses.replace(batch, complete=False)
    meta = FeedMeta(source=str(path), sha256=_sha256(path) if path.is_file() else None)
    return apply_batch(session, batch, origin="imported", meta=meta, allow_shrink=allow_shrink)


def ensure_bundled(session: Session) -> bool:
    """Load every bundled set whose feed the store does not hold yet (all of them into an empty
    store). Returns whether anything was loaded."""
    present = frepo.feed_names(session)
    loaded = False
    for entry in feed_bundle.read_manifest().sets:
        if entry.feed in present:
            continue
        batch = feed_bundle.read_set(entry)
        meta = FeedMeta(source=f"bundled:{entry.name}", sha256=entry.sha256, licence=entry.licence)
        apply_batch(session, batch, origin="bundled", name=entry.feed, meta=meta, impact=False)
        loaded = True
    return loaded


def stale_days_from(settings: object) -> dict[FeedKind, int]:
    """``feed_stale_days_<kind>`` Settings fields (HEMOSTAT_FEED_STALE_DAYS_KEV ...) if declared."""
    out: dict[FeedKind, int] = {}
    for kind in FeedKind:
        value = getattr(settings, f"feed_stale_days_{kind.value}", None)
        if isinstance(value, int) and value > 0:
            out[kind] = value
    return out


def status(
    session: Session, *, today: date | None = None, stale_days: Mapping[FeedKind, int] | None = None
) -> list[FeedStatus]:
    """Every feed with its age and stale flag (``stale_days`` overrides ``STALE_DAYS``)."""
    today = today or datetime.now(UTC).date()
    limits = {**STALE_DAYS, **(stale_days or {})}
    out: list[FeedStatus] = []
    for row in frepo.list_feeds(session):
        kind = FeedKind(row.kind)
        age = (today - row.snapshot).days
        out.append(
            FeedStatus(
                feed=row.name,
                kind=kind,
                origin=row.origin,
                source=row.source,
                snapshot=row.snapshot,
                records=row.records,
                quarantined=row.quarantined,
                age_days=age,
                stale=age > limits[kind],
                stale_after_days=limits[kind],
                imported_at=_aware(row.imported_at),
                checked_at=_aware(row.checked_at) if row.checked_at else None,
                licence=row.licence,
            )
        )
    return out


def load_intel(session: Session, *, all_epss: bool = False) -> Intel:
    """The stored intelligence in memory. EPSS is limited to the CVEs a finding can carry (ids
    and aliases of stored records and CSAF advisories) unless ``all_epss``: ~10k instead of
    ~360k scores for the bundled snapshot."""
    feeds = frepo.list_feeds(session)
    # one record per id across feeds (an OSV record listed in two ecosystems' databases)
    vulns = latest_by_id(frepo.decode_vulnerabilities(frepo.all_vuln_blobs(session)))
    kev_feeds = {f.id: f for f in feeds if f.kind == FeedKind.KEV.value}
    kev = {
        r.cve: KevEntry(
            cve=r.cve,
            vendor=r.vendor,
            product=r.product,
            name=r.name,
            date_added=r.date_added,
            due_date=r.due_date,
            required_action=r.required_action,
            ransomware=r.ransomware,
            notes=r.notes,
            cwes=tuple(r.cwes),
            provenance=_provenance(kev_feeds.get(r.feed_id), r.cve),
        )
        for r in frec.kev_rows(session)
    }
    advisories = tuple(frepo.decode_advisory(b) for b in frec.all_advisory_blobs(session))
    cves = None if all_epss else _cves(vulns.values(), advisories)
    epss = {c: EpssScore(c, e, p, d, m) for c, e, p, d, m in _epss(session, cves)}
    return Intel(
        index=VulnIndex.build(vulns.values()),
        kev=kev,
        epss=epss,
        advisories=advisories,
        snapshot={f.name: f.snapshot for f in feeds},
    )


def _cves(vulns: Iterable[Vulnerability], advisories: Iterable[CsafAdvisory]) -> set[str]:
    out = {i for v in vulns for i in (v.id, *v.aliases) if i.startswith("CVE-")}
    out.update(x.cve for a in advisories for x in a.vulnerabilities if x.cve)
    return out


def _epss(session: Session, cves: set[str] | None) -> list[frec.EpssTuple]:
    if cves is not None and len(cves) <= _EPSS_BY_ID:
        return frec.epss_of(session, cves)
    rows = frec.epss_rows(session)
    return rows if cves is None else [r for r in rows if r[0] in cves]


def _provenance(feed: FeedRow | None, cve: str) -> Provenance | None:
    if feed is None:
        return None
    return Provenance(FeedKind.KEV, feed.source, feed.snapshot, cve)


def _aware(ts: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything Hemostat stores is UTC.
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
