"""Build the bundled offline feed snapshot (src/hemostat/data/feeds/) from ../shared/data.

Every set goes through the same feed readers as `hemostat feeds import`, then is written as one
deterministic gzip'd msgpack FeedBatch (records sorted, sources relative to the data folder,
gzip timestamp zero) plus manifest.json with source, snapshot date, counts, sha256 and licence.

    .venv/bin/python tools/build_snapshot.py [--data ../shared/data] [--out src/hemostat/data/feeds]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hemostat.domain.vulnerability import FeedBatch, FeedKind
from hemostat.feeds import read_feed
from hemostat.services.feed_apply import family_of
from hemostat.services.feed_bundle import (
    FORMAT,
    MANIFEST,
    BundledSet,
    Manifest,
    encode_manifest,
    encode_set,
)

ROOT = Path(__file__).resolve().parent.parent
US_GOV = "US Government work, public domain (17 U.S.C. 105)"


@dataclass(frozen=True)
class SetSpec:
    name: str
    kind: FeedKind
    archive: str  # NAME.tar.gz in the data folder
    paths: tuple[str, ...]  # read with the feed reader, relative to the unpacked data
    licence: str
    attribution: str


SETS = (
    SetSpec(
        "kev",
        FeedKind.KEV,
        "cisa-kev",
        ("cisa-kev/known_exploited_vulnerabilities.json",),
        "CC0-1.0",
        "CISA Known Exploited Vulnerabilities Catalog, https://www.cisa.gov/known-exploited-vulnerabilities-catalog",
    ),
    SetSpec(
        "epss",
        FeedKind.EPSS,
        "epss-scores",
        ("epss-scores/epss_scores-derived-2026-08-16.csv.gz",),
        "FIRST EPSS: free use with attribution",
        "EPSS scores by FIRST.org, Inc., https://www.first.org/epss",
    ),
    SetSpec(
        "osv-pypi",
        FeedKind.OSV,
        "osv-pypa",
        ("osv-pypa/vulns",),
        "CC-BY-4.0",
        "PyPA Advisory Database, https://github.com/pypa/advisory-database",
    ),
    SetSpec(
        "osv-go",
        FeedKind.OSV,
        "osv-golang",
        ("osv-golang/data/osv",),
        "CC-BY-4.0",
        "Go Vulnerability Database, https://vuln.go.dev (Go Authors)",
    ),
    SetSpec(
        "osv-crates-io",
        FeedKind.OSV,
        "osv-rustsec",
        ("osv-rustsec/crates",),
        "CC0-1.0",
        "RustSec Advisory Database, https://rustsec.org",
    ),
    SetSpec(
        "nvd",
        FeedKind.NVD,
        "nvd-api2-samples",
        (
            "nvd-api2-samples/nvd-api/testdata/responses/cves-1999.json.gz",
            "nvd-api2-samples/nvd-api/testdata/responses/cves-2023.json.gz",
            "nvd-api2-samples/nvd-api/testdata/responses/cves-CVE-2023-0001.json.gz",
            "nvd-api2-samples/nvd-api/testdata/cve-2022-44006.json.gz",
            "nvd-embedded-devices",
        ),
        US_GOV,
        "National Vulnerability Database (NIST), https://nvd.nist.gov; this product uses the "
        "NVD API but is not endorsed or certified by the NVD",
    ),
    SetSpec(
        "csaf-icsma",
        FeedKind.CSAF,
        "csaf-cisa-icsma-2017-2021",
        ("csaf-cisa-icsma-2017-2021",),
        US_GOV + ", TLP:CLEAR",
        "CISA ICS Medical Advisories (ICSMA) 2017-2021 as CSAF 2.0, https://github.com/cisagov/CSAF",
    ),
)
EXTRA_ARCHIVES = {"nvd": ("nvd-embedded-devices",)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "hemostat" / "data" / "feeds")
    parser.add_argument("--skip", action="append", default=[], help="leave out a set (by name)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hemostat-snapshot-") as tmp:
        work = Path(tmp)
        entries = [_build(s, args.data, work, args.out) for s in SETS if s.name not in args.skip]
    (args.out / MANIFEST).write_bytes(encode_manifest(Manifest(FORMAT, tuple(entries))))
    total = sum(e.bytes for e in entries)
    print(f"wrote {len(entries)} sets, {total / 1e6:.1f} MB, to {args.out}")
    return 0


def _build(spec: SetSpec, data: Path, work: Path, out: Path) -> BundledSet:
    started = time.perf_counter()
    for archive in (spec.archive, *EXTRA_ARCHIVES.get(spec.name, ())):
        _unpack(data / f"{archive}.tar.gz", work)
    batches = [read_feed(work / p, kind=spec.kind) for p in spec.paths]
    batch = _relative(_merge(batches), prefix=str(work) + "/")
    blob = encode_set(batch)
    file = f"{spec.name}.msgpack.gz"
    (out / file).write_bytes(blob)
    records = len(batch.vulnerabilities) + len(batch.kev) + len(batch.epss) + len(batch.advisories)
    print(
        f"{spec.name}: {records} records, {len(batch.quarantined)} quarantined, "
        f"snapshot {batch.snapshot}, {len(blob) / 1e6:.2f} MB, "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return BundledSet(
        name=spec.name,
        file=file,
        kind=spec.kind,
        feed=family_of(batch),
        source=", ".join(spec.paths),
        snapshot=batch.snapshot,
        records=records,
        quarantined=len(batch.quarantined),
        sha256=hashlib.sha256(blob).hexdigest(),
        bytes=len(blob),
        licence=spec.licence,
        attribution=spec.attribution,
    )


def _unpack(archive: Path, work: Path) -> None:
    marker = work / f".{archive.name}.done"
    if marker.exists():
        return
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    marker.touch()


def _merge(batches: list[FeedBatch]) -> FeedBatch:
    """One complete batch from several sources of one feed, records sorted by id."""
    first = batches[0]
    return FeedBatch(
        feed=first.feed,
        source=", ".join(b.source for b in batches),
        snapshot=max(b.snapshot for b in batches),
        vulnerabilities=_sorted(v for b in batches for v in b.vulnerabilities),
        kev=tuple(sorted((k for b in batches for k in b.kev), key=lambda k: k.cve)),
        epss=tuple(sorted((e for b in batches for e in b.epss), key=lambda e: e.cve)),
        advisories=_sorted(a for b in batches for a in b.advisories),
        quarantined=tuple(
            sorted((q for b in batches for q in b.quarantined), key=lambda q: (q.source, q.record))
        ),
        warnings=tuple(w for b in batches for w in b.warnings),
        complete=True,
    )


def _sorted(items: Any) -> tuple[Any, ...]:
    # Several sources may carry the same record (an NVD sample page and a per-CVE file): keep one.
    unique = {x.id: x for x in items}
    return tuple(unique[k] for k in sorted(unique))


def _relative(batch: FeedBatch, *, prefix: str) -> FeedBatch:
    """Strip the temporary unpack folder from every source so the output is reproducible."""
    strip: Callable[[str], str] = lambda s: s.replace(prefix, "")  # noqa: E731

    def fix(obj: Any) -> Any:
        changes: dict[str, Any] = {}
        if getattr(obj, "provenance", None) is not None:
            changes["provenance"] = dataclasses.replace(
                obj.provenance, source=strip(obj.provenance.source)
            )
        if hasattr(obj, "source") and isinstance(obj.source, str):
            changes["source"] = strip(obj.source)
        return dataclasses.replace(obj, **changes) if changes else obj

    return dataclasses.replace(
        batch,
        source=strip(batch.source),
        vulnerabilities=tuple(map(fix, batch.vulnerabilities)),
        kev=tuple(map(fix, batch.kev)),
        advisories=tuple(map(fix, batch.advisories)),
        quarantined=tuple(map(fix, batch.quarantined)),
        warnings=tuple(map(strip, batch.warnings)),
    )


if __name__ == "__main__":
    sys.exit(main())
