"""Apply one FeedBatch to the feed store: a complete snapshot replaces its feed's records, a delta
upserts by id; the shrink guard, quarantine and the changed-record accounting live here.

Only records that differ are rewritten (a re-import of the same data writes nothing but the feed
row), so a daily OSV or KEV refresh touches a handful of rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from hemostat.domain.advisory import AdvisoryHit
from hemostat.domain.vulnerability import FeedBatch, FeedKind, Vulnerability
from hemostat.errors import FeedError
from hemostat.match.index import base_ecosystem
from hemostat.services import feed_impact
from hemostat.services.feed_impact import ReleaseImpact
from hemostat.store import feed_records as frec
from hemostat.store import feed_repositories as frepo
from hemostat.store.feed_tables import CsafAdvisoryRow, EpssRow, FeedRow, KevRow, QuarantineRow
from hemostat.store.repositories import now

SHRINK_RATIO = 0.5
_MAX_WARNINGS = 200
_MAX_FAMILY = 200


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What the caller knows about the source beyond the batch (bundled licence, HTTP cache)."""

    source: str | None = None
    sha256: str | None = None
    licence: str | None = None
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None  # incremental sync position (NVD: the lastModEndDate reached)


@dataclass(frozen=True, slots=True)
class FeedImportReport:
    feed: str  # feed family, e.g. "osv:PyPI"
    kind: FeedKind
    origin: str  # bundled | imported | synced
    source: str
    snapshot: date
    complete: bool
    records: int  # records the feed holds afterwards
    added: int
    updated: int
    removed: int
    unchanged: int
    quarantined: int  # in this batch
    warnings: tuple[str, ...] = ()
    releases: tuple[ReleaseImpact, ...] = ()
    device_models: tuple[AdvisoryHit, ...] = ()  # CSAF: registered models the advisories name


def family_of(batch: FeedBatch) -> str:
    """The feed a batch belongs to: complete batches replace exactly this family's records."""
    if batch.feed is FeedKind.OSV:
        labels = Counter(
            base_ecosystem(v.packages[0].ecosystem) for v in batch.vulnerabilities if v.packages
        )
    elif batch.feed is FeedKind.CSAF:
        labels = Counter(a.publisher for a in batch.advisories if a.publisher)
    else:
        return batch.feed.value
    if not labels:
        return batch.feed.value
    return f"{batch.feed.value}:{'+'.join(sorted(labels))}"[:_MAX_FAMILY]


def incoming_count(batch: FeedBatch) -> int:
    return len(batch.vulnerabilities) + len(batch.kev) + len(batch.epss) + len(batch.advisories)


def apply_batch(
    s: Session,
    batch: FeedBatch,
    *,
    origin: str,
    name: str | None = None,
    meta: FeedMeta | None = None,
    allow_shrink: bool = False,
    impact: bool = True,
) -> FeedImportReport:
    """Write ``batch`` into its feed family (the caller's transaction; nothing is committed)."""
    meta = meta or FeedMeta()
    name = name or family_of(batch)
    feed = frepo.feed_by_name(s, name)
    held = frepo.count_records(s, feed) if feed else 0
    _guard(name, batch, held, allow_shrink)
    if feed is None:
        feed = frepo.create_feed(
            s, name=name, kind=batch.feed.value, origin=origin, source="", snapshot=batch.snapshot
        )
    change = _WRITERS[batch.feed](s, feed, batch, impact)
    _quarantine(s, feed, batch)
    _update_feed(s, feed, batch, origin, meta)
    return FeedImportReport(
        feed=name,
        kind=batch.feed,
        origin=origin,
        source=feed.source,
        snapshot=feed.snapshot,
        complete=batch.complete,
        records=feed.records,
        added=change.added,
        updated=change.updated,
        removed=change.removed,
        unchanged=change.unchanged,
        quarantined=len(batch.quarantined),
        warnings=batch.warnings,
        releases=change.releases,
        device_models=_models_hit(s, batch) if impact else (),
    )


def _models_hit(s: Session, batch: FeedBatch) -> tuple[AdvisoryHit, ...]:
    """Vendor advisories name device models, not SBOM components: match the catalog's models."""
    if batch.feed is not FeedKind.CSAF or not batch.advisories:
        return ()
    from hemostat.match.csaf_products import affected_models  # noqa: PLC0415
    from hemostat.services.advisories import device_models  # noqa: PLC0415 - import cycle

    models = device_models(s)
    return tuple(affected_models(models, batch.advisories)) if models else ()


def _guard(name: str, batch: FeedBatch, held: int, allow_shrink: bool) -> None:
    incoming = incoming_count(batch)
    if not batch.complete:
        return
    if incoming == 0 and held == 0:
        raise FeedError(
            f"{name}: the source holds no usable records"
            + (f" ({len(batch.quarantined)} quarantined)" if batch.quarantined else ""),
            file=batch.source,
        )
    if held and incoming < held * SHRINK_RATIO and not allow_shrink:
        raise FeedError(
            f"{name}: refusing a snapshot with {incoming} records; the store holds {held} "
            f"(a complete snapshot may not lose more than {int(SHRINK_RATIO * 100)} %)",
            file=batch.source,
            hint="if the feed really shrank, run again with --allow-shrink",
            code="feed_shrink_refused",
        )


def _update_feed(s: Session, feed: FeedRow, batch: FeedBatch, origin: str, meta: FeedMeta) -> None:
    feed.origin = origin
    feed.source = meta.source or batch.source
    feed.snapshot = batch.snapshot if batch.complete else max(feed.snapshot, batch.snapshot)
    feed.imported_at = feed.checked_at = now()
    feed.records = frepo.count_records(s, feed)
    feed.quarantined = frepo.count_quarantined(s, feed.id)
    warnings = list(batch.warnings) if batch.complete else [*feed.warnings, *batch.warnings]
    feed.warnings = warnings[-_MAX_WARNINGS:]
    feed.sha256, feed.licence = meta.sha256, meta.licence or feed.licence
    if meta.url is not None:
        feed.url, feed.etag, feed.last_modified = meta.url, meta.etag, meta.last_modified
    if meta.cursor is not None:
        feed.cursor = meta.cursor
    s.flush()


def _quarantine(s: Session, feed: FeedRow, batch: FeedBatch) -> None:
    if batch.complete:
        frec.delete_rows(s, QuarantineRow, feed.id)
    rows = [(q.source, q.record[:500], q.reason) for q in batch.quarantined]
    frec.insert_quarantine(s, feed.id, rows)


# --- the generic diff: fingerprints old vs new, rewrite only what differs -------------------------


@dataclass(slots=True)
class _Change:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    releases: tuple[ReleaseImpact, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Plan:
    changed: set[str]  # new or different ids to write
    stale: set[str]  # stored ids to delete (changed ones that exist + removed ones)
    change: _Change
    rewrite_all: bool  # cheaper to empty the feed and insert everything


def _plan(old: Mapping[str, object], new: Mapping[str, object], complete: bool) -> _Plan:
    changed = {i for i, fp in new.items() if old.get(i) != fp} if old else set(new)
    removed = set(old) - set(new) if complete else set()
    existing = changed & set(old)
    change = _Change(
        added=len(changed) - len(existing),
        updated=len(existing),
        removed=len(removed),
        unchanged=len(new) - len(changed),
    )
    rewrite_all = complete and len(existing) + len(removed) > len(old) * SHRINK_RATIO
    return _Plan(changed, existing | removed, change, rewrite_all)


def _write_vulns(s: Session, feed: FeedRow, batch: FeedBatch, impact: bool) -> _Change:
    latest = latest_by_id(batch.vulnerabilities)
    items = {
        i: frepo.StoredVuln(v, frepo.encode(v), feed_impact.vuln_keys(v)) for i, v in latest.items()
    }
    old = frepo.vuln_blobs(s, feed.id, None if batch.complete else list(items))
    plan = _plan(old, {i: it.blob for i, it in items.items()}, batch.complete)
    cand = None
    if impact:
        keys = {k for i in plan.changed for k in items[i].keys}
        stale = frepo.decode_vulnerabilities([old[i] for i in sorted(plan.stale)])
        keys.update(k for v in stale for k in feed_impact.vuln_keys(v))
        changed = [*(items[i].vuln for i in sorted(plan.changed)), *stale]  # stale: old versions
        cand = feed_impact.candidates(s, frozenset(keys), changed)
    frepo.delete_vulns(s, feed.id, None if plan.rewrite_all else plan.stale)
    write = items.keys() if plan.rewrite_all else plan.changed
    frepo.insert_vulns(s, feed.id, [items[i] for i in sorted(write)])
    s.flush()
    plan.change.releases = feed_impact.impacts(s, cand)
    return plan.change


def latest_by_id(vulns: Collection[Vulnerability]) -> dict[str, Vulnerability]:
    """One record per id (a source may repeat one; the most recently modified wins)."""
    out: dict[str, Vulnerability] = {}
    for v in vulns:
        have = out.get(v.id)
        if have is None or (v.modified and (have.modified is None or v.modified > have.modified)):
            out[v.id] = v
    return out


def _write_simple(
    table: Any,
    old_fps: Callable[[Session, int, list[str] | None], dict[str, object]],
    items: Callable[[FeedBatch], dict[str, Any]],
    fingerprint: Callable[[Any], object],
    insert: Callable[[Session, int, list[Any]], None],
) -> Callable[[Session, FeedRow, FeedBatch, bool], _Change]:
    """A writer for record kinds without index keys (KEV, EPSS, CSAF)."""

    def write(s: Session, feed: FeedRow, batch: FeedBatch, _impact: bool) -> _Change:
        new = items(batch)
        old = old_fps(s, feed.id, None if batch.complete else list(new))
        # With nothing stored every record is new: skip fingerprinting (360k EPSS tuples).
        fps = {i: fingerprint(x) for i, x in new.items()} if old else new
        plan = _plan(old, fps, batch.complete)
        frec.delete_rows(s, table, feed.id, None if plan.rewrite_all else plan.stale)
        ids = new.keys() if plan.rewrite_all else plan.changed
        insert(s, feed.id, [new[i] for i in sorted(ids)])
        s.flush()
        return plan.change

    return write


def _kev_fps(s: Session, feed_id: int, ids: list[str] | None) -> dict[str, object]:
    wanted = None if ids is None else set(ids)
    rows = frec.kev_rows(s, feed_id)
    return {r.cve: _kev_fp(r) for r in rows if wanted is None or r.cve in wanted}


def _kev_fp(e: Any) -> object:
    return (e.vendor, e.product, e.name, e.date_added, e.due_date, e.required_action,
            e.ransomware, e.notes, tuple(e.cwes))  # fmt: skip


def _epss_fps(s: Session, feed_id: int, ids: list[str] | None) -> dict[str, object]:
    # One EPSS feed exists ("epss"): its rows are all the rows.
    rows = frec.epss_rows(s) if ids is None else frec.epss_of(s, ids)
    return {r[0]: tuple(r[1:]) for r in rows}


def _csaf_fps(s: Session, feed_id: int, ids: list[str] | None) -> dict[str, object]:
    return dict(frec.advisory_blobs(s, feed_id, ids))


def _epss_fp(e: Any) -> object:
    return (e.epss, e.percentile, e.date, e.model_version)


_WRITERS: dict[FeedKind, Callable[[Session, FeedRow, FeedBatch, bool], _Change]] = {
    FeedKind.OSV: _write_vulns,
    FeedKind.NVD: _write_vulns,
    FeedKind.KEV: _write_simple(
        KevRow, _kev_fps, lambda b: {e.cve: e for e in b.kev}, _kev_fp, frec.insert_kev
    ),
    FeedKind.EPSS: _write_simple(
        EpssRow, _epss_fps, lambda b: {e.cve: e for e in b.epss}, _epss_fp, frec.insert_epss
    ),
    FeedKind.CSAF: _write_simple(
        CsafAdvisoryRow,
        _csaf_fps,
        lambda b: {a.id: (a, frepo.encode(a)) for a in b.advisories},
        lambda pair: pair[1],
        frec.insert_advisories,
    ),
}
