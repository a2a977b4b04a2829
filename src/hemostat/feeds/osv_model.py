"""The OSV record schema as msgspec structs (typed decoding gives a JSON path for every wrong
type) and its conversion to ``domain.Vulnerability``. Unknown fields are ignored; what the OSV
schema forbids and a matcher would misread is a ``RecordError`` (the record is quarantined)."""

from __future__ import annotations

import re

import msgspec

from hemostat.domain.cvss import CvssVectorError
from hemostat.domain.cvss import score_vector as _score
from hemostat.domain.vulnerability import (
    AffectedPackage,
    AffectedRange,
    CvssScore,
    RangeEvent,
    RangeKind,
)

MAX_SUMMARY = 1000
MAX_REFERENCES = 20
CWE_RE = re.compile(r"CWE-\d+")
FULL_HASH = re.compile(r"0|[0-9a-f]{40}|[0-9a-f]{64}")
EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")


class RecordError(ValueError):
    """Why one OSV record is quarantined."""


class Event(msgspec.Struct):
    introduced: str | None = None
    fixed: str | None = None
    last_affected: str | None = None
    limit: str | None = None


class Range(msgspec.Struct):
    type: str
    events: list[Event]
    repo: str | None = None


class Package(msgspec.Struct):
    ecosystem: str
    name: str
    purl: str | None = None


class Severity(msgspec.Struct):
    type: str
    score: str


class Affected(msgspec.Struct):
    package: Package | None = None
    ranges: list[Range] | None = None
    versions: list[str] | None = None
    severity: list[Severity] | None = None


class Reference(msgspec.Struct):
    url: str
    type: str = ""


class DatabaseSpecific(msgspec.Struct):
    cwe_ids: list[str] | None = None  # GitHub's convention for CWE ids


class Record(msgspec.Struct):
    id: str
    modified: str
    published: str | None = None
    withdrawn: str | None = None
    aliases: list[str] | None = None
    summary: str | None = None
    details: str | None = None
    severity: list[Severity] | None = None
    affected: list[Affected] | None = None
    references: list[Reference] | None = None
    database_specific: DatabaseSpecific | None = None


class IdOnly(msgspec.Struct):
    """Decoded from a record that failed validation, to name it in the quarantine."""

    id: str = ""


def summary_of(record: Record) -> str:
    text = (record.summary or "").strip() or (record.details or "").strip()
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1].rstrip() + "…"


def aliases_of(record: Record) -> tuple[str, ...]:
    found = (a.strip() for a in record.aliases or ())
    return tuple(dict.fromkeys(a for a in found if a and a != record.id))


def references_of(record: Record) -> tuple[str, ...]:
    urls = dict.fromkeys(r.url.strip() for r in record.references or () if r.url.strip())
    return tuple(urls)[:MAX_REFERENCES]


def cwes_of(record: Record) -> tuple[str, ...]:
    ids = record.database_specific.cwe_ids if record.database_specific else None
    return tuple(dict.fromkeys(c.strip() for c in ids or () if CWE_RE.fullmatch(c.strip())))


def cvss_of(record: Record, warnings: list[str]) -> tuple[CvssScore, ...]:
    entries = list(record.severity or ())
    for affected in record.affected or ():
        entries.extend(affected.severity or ())
    scores: dict[str, CvssScore] = {}
    for entry in entries:
        if not entry.type.startswith("CVSS_") or entry.score in scores:
            continue  # e.g. "Ubuntu" priorities are not CVSS
        score = score_vector(entry.type, entry.score.strip())
        if score is None:
            warnings.append(
                f"{record.id}: invalid {entry.type} vector {entry.score[:80]!r} dropped"
            )
        else:
            scores[entry.score] = score
    return tuple(scores.values())


_KINDS = {"CVSS_V2": "2", "CVSS_V3": "3", "CVSS_V4": "4"}


def score_vector(kind: str, vector: str) -> CvssScore | None:
    """Base score and severity of an OSV ``severity`` vector of that kind, or None."""
    try:
        s = _score(vector)
    except CvssVectorError:
        return None
    if not s.version.startswith(_KINDS.get(kind, "?")):
        return None
    return CvssScore(s.version, vector, float(s.base_score), s.severity)


def packages_of(record: Record, warnings: list[str]) -> tuple[AffectedPackage, ...]:
    packages = []
    for index, affected in enumerate(record.affected or ()):
        where = f"affected[{index}]"
        ranges = tuple(
            _range(r, f"{where}.ranges[{i}]", record.id, warnings)
            for i, r in enumerate(affected.ranges or ())
        )
        if affected.package is None:
            warnings.append(f"{record.id}: {where} names no package (not matchable, skipped)")
            continue
        packages.append(_package(affected, affected.package, ranges, where))
    return tuple(packages)


def _package(
    affected: Affected, package: Package, ranges: tuple[AffectedRange, ...], where: str
) -> AffectedPackage:
    ecosystem, name = package.ecosystem.strip(), package.name.strip()
    if not ecosystem or not name:
        raise RecordError(f"{where}.package has an empty ecosystem or name")
    versions = tuple(dict.fromkeys(v.strip() for v in affected.versions or () if v.strip()))
    return AffectedPackage(ecosystem, name, (package.purl or "").strip() or None, ranges, versions)


def _range(item: Range, where: str, rid: str, warnings: list[str]) -> AffectedRange:
    try:
        kind = RangeKind(item.type)
    except ValueError:
        raise RecordError(f"{where}: unknown range type {item.type[:40]!r}") from None
    events = tuple(_event(e, f"{where}.events[{i}]") for i, e in enumerate(item.events))
    kinds = {e.kind for e in events}
    if "introduced" not in kinds:
        raise RecordError(f"{where}: no 'introduced' event")
    if {"fixed", "last_affected"} <= kinds:
        raise RecordError(f"{where}: both 'fixed' and 'last_affected' events")
    if kind is RangeKind.GIT:
        # GIT ranges are not used for version matching; a short or decorated hash is kept as is.
        odd = [e.version for e in events if not FULL_HASH.fullmatch(e.version)]
        if odd:
            warnings.append(f"{rid}: {where} GIT event {odd[0][:60]!r} is not a full commit hash")
    return AffectedRange(kind, events)


def _event(item: Event, where: str) -> RangeEvent:
    present = [(k, v) for k in EVENT_KINDS if (v := getattr(item, k)) is not None]
    if len(present) != 1:
        raise RecordError(f"{where}: needs exactly one of {', '.join(EVENT_KINDS)}")
    kind, version = present[0]
    if not version.strip():
        raise RecordError(f"{where}: empty {kind!r} version")
    return RangeEvent(kind, version.strip())
