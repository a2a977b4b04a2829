"""`hemostat feeds sync`: fetch each feed from its official URL (or a mirror), parse it from a
temporary file, and apply it in its own transaction. A feed that fails in any way keeps its
previous snapshot, and the outcome says so; the other feeds still update."""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx
from sqlalchemy.orm import Session

from hemostat.config import Settings
from hemostat.domain.vulnerability import FeedBatch, FeedKind
from hemostat.errors import HemostatError
from hemostat.feeds import read_feed
from hemostat.services.feed_apply import FeedImportReport, FeedMeta, apply_batch
from hemostat.services.feed_http import Fetched, HttpPolicy, fetch, make_client
from hemostat.services.sync_sources import Target, csaf_documents, nvd_pages, targets
from hemostat.services.uow import unit_of_work
from hemostat.store import feed_repositories as frepo

DEFAULT_URLS: Mapping[FeedKind, str] = MappingProxyType(
    {
        FeedKind.KEV: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
        FeedKind.EPSS: "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
        FeedKind.OSV: "https://osv-vulnerabilities.storage.googleapis.com",
        FeedKind.NVD: "https://services.nvd.nist.gov/rest/json/cves/2.0",
    }
)


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """Where and how to fetch. ``mirrors`` override ``DEFAULT_URLS`` per kind (for OSV: the base
    URL above ``<Ecosystem>/all.zip``; for CSAF: a provider-metadata.json or ROLIE feed URL)."""

    mirrors: Mapping[FeedKind, str] = field(default_factory=dict)
    osv_ecosystems: tuple[str, ...] = ("PyPI", "Go", "crates.io")
    nvd_api_key: str | None = None
    nvd_delay: float | None = None  # pause between NVD API pages (default 6 s, 0.6 s with a key)
    csaf_max_documents: int = 5000
    http: HttpPolicy = field(default_factory=HttpPolicy)

    def url(self, kind: FeedKind) -> str | None:
        return self.mirrors.get(kind) or DEFAULT_URLS.get(kind)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> SyncConfig:
        """Optional Settings fields (HEMOSTAT_FEED_* variables once config.py declares them):
        ``feed_mirror_<kind>``, ``feed_osv_ecosystems`` (comma-separated), ``feed_nvd_api_key``
        and the HttpPolicy fields as ``feed_<name>`` (e.g. ``feed_read_timeout``)."""
        mirrors = {k: str(v) for k in FeedKind if (v := _setting(settings, f"mirror_{k.value}"))}
        policy = {
            f.name: v
            for f in dataclasses.fields(HttpPolicy)
            if (v := _setting(settings, f.name)) is not None
        }
        values: dict[str, object] = {"mirrors": mirrors, "http": HttpPolicy(**policy)}
        if ecosystems := _setting(settings, "osv_ecosystems"):
            items = ecosystems.split(",") if isinstance(ecosystems, str) else ecosystems
            values["osv_ecosystems"] = tuple(str(e).strip() for e in items if str(e).strip())
        if key := _setting(settings, "nvd_api_key"):
            values["nvd_api_key"] = str(key)
        return cls(**{**values, **overrides})  # type: ignore[arg-type]


def _setting(settings: Settings, name: str) -> Any:
    # Read defensively: config.py (owned by the lead) may not declare the feed_* fields yet.
    value = getattr(settings, f"feed_{name}", None)
    return value if value not in ("", None) else None


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    feed: str
    kind: FeedKind
    status: str  # updated | unchanged | failed
    message: str
    url: str
    report: FeedImportReport | None = None


Uow = Callable[[], AbstractContextManager[Session]]


def sync_feeds(
    *,
    settings: Settings,
    kinds: Sequence[FeedKind] | None = None,
    config: SyncConfig | None = None,
    allow_shrink: bool = False,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[SyncOutcome]:
    """Sync the selected feeds (all with a URL when ``kinds`` is None), each atomically."""
    cfg = config or SyncConfig.from_settings(settings)

    def uow() -> AbstractContextManager[Session]:
        return unit_of_work(settings)

    own = client is None
    run = _Run(cfg, client or make_client(cfg.http), uow, allow_shrink, sleep)
    try:
        with uow() as s:
            wanted = targets(s, cfg, kinds)
        return [_sync_one(run, t) for t in wanted]
    finally:
        if own:
            run.http.close()


@dataclass(frozen=True, slots=True)
class _Run:
    cfg: SyncConfig
    http: httpx.Client
    uow: Uow
    allow_shrink: bool
    sleep: Callable[[float], None]


@dataclass(frozen=True, slots=True)
class _Held:
    """What the store holds for a target before the sync (read in its own short transaction)."""

    snapshot: date | None = None
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None


def _held(run: _Run, target: Target) -> _Held:
    with run.uow() as s:
        row = frepo.feed_by_name(s, target.name)
        if row is None:
            return _Held()
        same_url = row.url == target.url  # validators from another mirror mean nothing here
        return _Held(
            row.snapshot,
            row.etag if same_url else None,
            row.last_modified if same_url else None,
            row.cursor,
        )


def _sync_one(run: _Run, target: Target) -> SyncOutcome:
    held = _held(run, target)
    try:
        with tempfile.TemporaryDirectory(prefix="hemostat-sync-") as tmp:
            got = _download(run, target, held, Path(tmp))
            if got is None:
                _touch(run.uow, target.name)
                return SyncOutcome(
                    target.name, target.kind, "unchanged", _same(held.snapshot), target.url
                )
            batch, meta = got
            with run.uow() as s:
                report = apply_batch(
                    s,
                    batch,
                    origin="synced",
                    name=None if target.kind is FeedKind.CSAF else target.name,
                    meta=meta,
                    allow_shrink=run.allow_shrink,
                )
    except HemostatError as exc:
        kept = f"kept snapshot of {held.snapshot}" if held.snapshot else "no previous snapshot"
        what = "network failure" if exc.code == "network_error" else "failed"
        hint = f" ({exc.hint})" if exc.hint else ""
        message = f"{what}: {exc.message}{hint}; {kept}"
        return SyncOutcome(target.name, target.kind, "failed", message, target.url)
    note = f"{report.added} added, {report.updated} updated, {report.removed} removed"
    return SyncOutcome(report.feed, target.kind, "updated", note, target.url, report)


def _same(kept: date | None) -> str:
    return f"not modified since the snapshot of {kept}" if kept else "not modified"


def _download(
    run: _Run, target: Target, held: _Held, tmp: Path
) -> tuple[FeedBatch, FeedMeta] | None:
    """Fetch and parse one target; None when the server says nothing changed."""
    cfg, http, url = run.cfg, run.http, target.url
    if target.kind is FeedKind.NVD:
        folder, end = nvd_pages(
            http, url, tmp, cfg, cursor=held.cursor, since=held.snapshot, sleep=run.sleep
        )
        batch = read_feed(folder, kind=FeedKind.NVD)
        return _delta(batch), FeedMeta(source=url, url=url, cursor=end)
    if target.kind is FeedKind.CSAF:
        folder = csaf_documents(http, url, tmp, cfg, sleep=run.sleep)
        return _delta(read_feed(folder, kind=FeedKind.CSAF)), FeedMeta(source=url, url=url)
    got: Fetched = fetch(
        http, url, tmp / target.filename, policy=cfg.http, etag=held.etag,
        last_modified=held.last_modified, sleep=run.sleep,
    )  # fmt: skip
    if got.not_modified or got.path is None:
        return None
    batch = read_feed(got.path, kind=target.kind)
    return batch, FeedMeta(source=url, url=url, etag=got.etag, last_modified=got.last_modified)


def _delta(batch: FeedBatch) -> FeedBatch:
    """API windows and provider listings are updates, never the whole feed."""
    return dataclasses.replace(batch, complete=False)


def _touch(uow: Uow, name: str) -> None:
    with uow() as s:
        row = frepo.feed_by_name(s, name)
        if row is not None:
            row.checked_at = datetime.now(UTC)


def describe(outcomes: Sequence[SyncOutcome]) -> Iterator[str]:
    for o in outcomes:
        yield f"{o.feed}: {o.status} - {o.message}"
