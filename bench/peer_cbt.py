"""cve-bin-tool 3.4 as an offline peer for the real-data scan row.

cve-bin-tool needs its own SQLite CVE database (normally a ~20-minute download). Offline we build
one from the same bundled snapshot Hemostat scans with: NVD vulnerable cpeMatch entries become
``cve_range`` rows (vendor, product, criteria version, start/end bounds), OSV ranges become rows
the way cve-bin-tool's own OSV source writes them (vendor ``unknown``, or the Go module's
owner; introduced → versionStartIncluding, fixed → versionEndExcluding), with one ``cve_severity``
row per record. The schema and indexes are cve-bin-tool's own (``CVEDB.TABLE_SCHEMAS`` and
``INDEXES``, read from the installed package). HOME points at ``bench/.cache/cbt-home`` so the
user's ``~/.cache/cve-bin-tool`` is never touched.

    .venv/bin/python -m venv bench/.cache/cbt-venv
    bench/.cache/cbt-venv/bin/pip install 'cve-bin-tool==3.4'
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from hemostat.domain.vulnerability import FeedKind, Vulnerability
from hemostat.match.index import cpe_key
from hemostat.services.feed_bundle import read_manifest, read_set
from procs import BENCH

VENV = BENCH / ".cache" / "cbt-venv"
HOME = BENCH / ".cache" / "cbt-home"
CLI = VENV / "bin" / "cve-bin-tool"
_SCHEMA = (
    "import json; from cve_bin_tool.cvedb import CVEDB as D; "
    "print(json.dumps([*D.TABLE_SCHEMAS.values(), *D.INDEXES.values()]))"
)
Row = tuple[str, str, str, str, str, str, str, str, str]


def available() -> str | None:
    """None when the peer can run, else why not."""
    if not CLI.exists():
        return f"not installed ({CLI.relative_to(BENCH.parent)}; see bench/peer_cbt.py)"
    return None


def _nvd_rows(v: Vulnerability) -> Iterator[Row]:
    for config in v.configurations:
        for node in config.nodes:
            for m in node.matches:
                key = cpe_key(m.criteria) if m.vulnerable else None
                if key is None:
                    continue
                version = m.criteria.split(":")[5] if m.criteria.count(":") >= 5 else "*"
                bounds = (
                    m.version_start_including,
                    m.version_start_excluding,
                    m.version_end_including,
                    m.version_end_excluding,
                )
                yield (v.id, key[1], key[2], version, *(b or "" for b in bounds), "NVD")


def _osv_rows(v: Vulnerability) -> Iterator[Row]:
    for pkg in v.packages:
        product = pkg.name.split("/")[-1]
        vendor = pkg.name.split("/")[-2] if pkg.ecosystem == "Go" and "/" in pkg.name else "unknown"
        for rng in pkg.ranges:
            events = [(e.kind, e.version) for e in rng.events]
            intro = next((ver for k, ver in events if k == "introduced"), "")
            fixed = next((ver for k, ver in events if k == "fixed"), "")
            start = "" if intro == "0" else intro
            yield (v.id, vendor, product, "*", start, "", "", fixed, "OSV")


def _records() -> Iterator[tuple[Vulnerability, str]]:
    for entry in read_manifest().sets:
        if entry.kind in (FeedKind.NVD, FeedKind.OSV):
            for v in read_set(entry).vulnerabilities:
                yield v, "NVD" if entry.kind is FeedKind.NVD else "OSV"


def build_db() -> tuple[Path, int]:
    """Write cve-bin-tool's database from the bundled snapshot; (path, cve_range rows)."""
    schema = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", _SCHEMA],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    path = HOME / ".cache" / "cve-bin-tool" / "cve.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    ranges: list[Row] = []
    severity = []
    for v, source in _records():
        ranges += _nvd_rows(v) if source == "NVD" else _osv_rows(v)
        score = max(v.cvss, key=lambda s: s.base_score, default=None)
        severity.append(
            (
                v.id,
                score.severity if score else "UNKNOWN",
                v.summary[:200],
                score.base_score if score else 0,
                int(float(score.version)) if score else 0,
                score.vector if score else "",
                source,
                str(v.modified or ""),
            )
        )
    with sqlite3.connect(path) as db:
        for statement in json.loads(schema.stdout):
            db.execute(statement)
        db.executemany("INSERT OR REPLACE INTO cve_severity VALUES (?,?,?,?,?,?,?,?)", severity)
        db.executemany("INSERT INTO cve_range VALUES (?,?,?,?,?,?,?,?,?)", ranges)
    return path, len(ranges)


def command(sbom: Path, out: Path) -> list[str]:
    return [
        str(CLI),
        "--offline",
        "-u",
        "never",
        "--sbom",
        "cyclonedx",
        "--sbom-file",
        str(sbom),
        "-f",
        "json",
        "-o",
        str(out),
    ]


def env() -> dict[str, str]:
    return {**os.environ, "HOME": str(HOME)}
