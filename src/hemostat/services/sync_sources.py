"""What `feeds sync` fetches: one target per feed family, the NVD API paging loop (incremental by
last-modified windows) and the CSAF provider walk (provider-metadata.json -> ROLIE feeds or a
directory index.txt -> documents). Every page/document is validated before anything is applied."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import httpx
import orjson
from sqlalchemy.orm import Session

from hemostat.domain.vulnerability import FeedKind
from hemostat.errors import FeedError
from hemostat.feeds.nvd import MAX_WINDOW, page_info, page_params
from hemostat.services.feed_http import fetch
from hemostat.store import feed_repositories as frepo

if TYPE_CHECKING:
    from hemostat.services.sync import SyncConfig

_NVD_DELAY = 6.0  # NVD asks for ~6 s between requests without an API key
_NVD_DELAY_KEYED = 0.6


@dataclass(frozen=True, slots=True)
class Target:
    name: str  # feed family; for CSAF the publisher is only known after parsing
    kind: FeedKind
    url: str
    filename: str = "feed"


def targets(s: Session, cfg: SyncConfig, kinds: Sequence[FeedKind] | None) -> list[Target]:
    """The sync targets for ``kinds``: KEV, EPSS, NVD, one OSV target per ecosystem (configured
    plus any single-ecosystem OSV feed already stored), CSAF only when a provider URL is set."""
    wanted = list(kinds) if kinds else [k for k in FeedKind if cfg.url(k)]
    out: list[Target] = []
    for kind in wanted:
        url = cfg.url(kind)
        if not url:
            raise FeedError(
                f"no URL for {kind.value} feeds",
                hint=f"pass --mirror {kind.value}=URL (CSAF: the provider-metadata.json URL)",
            )
        if kind is FeedKind.OSV:
            out.extend(_osv_targets(s, cfg, url))
        else:
            out.append(Target(kind.value, kind, url, _FILENAMES.get(kind, "feed")))
    return out


_FILENAMES = {FeedKind.KEV: "known_exploited_vulnerabilities.json", FeedKind.EPSS: "epss.csv.gz"}


def _osv_targets(s: Session, cfg: SyncConfig, base: str) -> Iterator[Target]:
    stored = {
        name.removeprefix("osv:")
        for name in frepo.feed_names(s)
        if name.startswith("osv:") and "+" not in name
    }
    for eco in dict.fromkeys([*cfg.osv_ecosystems, *sorted(stored)]):
        yield Target(f"osv:{eco}", FeedKind.OSV, f"{base.rstrip('/')}/{eco}/all.zip", "all.zip")


def nvd_pages(
    http: httpx.Client,
    url: str,
    tmp: Path,
    cfg: SyncConfig,
    *,
    cursor: str | None,
    since: date | None,
    sleep: Callable[[float], None],
) -> tuple[Path, str]:
    """Download every CVE changed since ``cursor`` (else the snapshot date; else everything) into
    ``tmp/nvd``, 120-day windows of pages; returns the folder and the new cursor."""
    folder = tmp / "nvd"
    folder.mkdir()
    now = datetime.now(UTC)
    start = _start(cursor, since)
    headers = {"apiKey": cfg.nvd_api_key} if cfg.nvd_api_key else {}
    delay = cfg.nvd_delay
    if delay is None:
        delay = _NVD_DELAY_KEYED if cfg.nvd_api_key else _NVD_DELAY
    pages = 0
    while True:
        index = 0
        params: dict[str, str] = {}
        while True:
            if pages:
                sleep(delay)
            pages += 1
            path = folder / f"page-{pages:05d}.json"
            params = page_params(start, index, now=now)
            fetch(http, url, path, policy=cfg.http, params=params, headers=headers, sleep=sleep)
            info = page_info(path.read_bytes(), source=f"{url} (page {pages})")
            index = info.start_index + info.results_per_page
            if info.results_per_page == 0 or index >= info.total_results:
                break
        if start is None:
            return folder, now.isoformat()
        window_end = min(start + MAX_WINDOW, now)
        if window_end >= now:
            return folder, params.get("lastModEndDate", now.isoformat())
        start = window_end


def _start(cursor: str | None, since: date | None) -> datetime | None:
    if cursor:
        try:
            return datetime.fromisoformat(cursor)
        except ValueError:
            pass
    return datetime.combine(since, dtime.min, UTC) if since else None


def csaf_documents(
    http: httpx.Client, url: str, tmp: Path, cfg: SyncConfig, *, sleep: Callable[[float], None]
) -> Path:
    """Download the advisories a provider lists (ROLIE feeds, else directory index.txt)."""
    folder = tmp / "csaf"
    folder.mkdir()
    walk = _CsafWalk(http, cfg, tmp, sleep)
    links = list(walk.links(url, walk.json(url, "provider.json")))[: cfg.csaf_max_documents]
    if not links:
        raise FeedError("the CSAF provider lists no advisories", file=url)
    for n, link in enumerate(links, 1):
        walk.get(link, folder / f"{n:05d}.json")
    return folder


@dataclass(frozen=True, slots=True)
class _CsafWalk:
    http: httpx.Client
    cfg: SyncConfig
    tmp: Path
    sleep: Callable[[float], None]

    def get(self, url: str, dest: Path) -> Path:
        fetch(self.http, url, dest, policy=self.cfg.http, sleep=self.sleep)
        return dest

    def json(self, url: str, name: str) -> dict[str, Any]:
        data = self.get(url, self.tmp / name).read_bytes()
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise FeedError(f"not valid JSON: {exc}", file=url) from None
        if not isinstance(doc, dict):
            raise FeedError("expected a JSON object", file=url)
        return doc

    def links(self, url: str, doc: dict[str, Any]) -> Iterator[str]:
        """Document URLs of a provider-metadata.json (or of a ROLIE feed given directly)."""
        if "feed" in doc:
            yield from _rolie_entries(url, doc)
            return
        for n, dist in enumerate(doc.get("distributions") or ()):
            for m, feed in enumerate((dist.get("rolie") or {}).get("feeds") or ()):
                feed_url = urljoin(url, str(feed.get("url", "")))
                yield from _rolie_entries(feed_url, self.json(feed_url, f"rolie-{n}-{m}.json"))
            directory = dist.get("directory_url")
            if directory and not dist.get("rolie"):
                base = str(directory).rstrip("/") + "/"
                index = self.get(urljoin(base, "index.txt"), self.tmp / f"index-{n}.txt")
                for line in index.read_text("utf-8", "replace").splitlines():
                    if line.strip().endswith(".json"):
                        yield urljoin(base, line.strip())


def _rolie_entries(feed_url: str, doc: dict[str, Any]) -> Iterator[str]:
    for entry in (doc.get("feed") or {}).get("entry") or ():
        content = entry.get("content") or {}
        href = content.get("src") or next(
            (ln.get("href") for ln in entry.get("link") or () if ln.get("rel") == "self"), None
        )
        if href:
            yield urljoin(feed_url, str(href))
