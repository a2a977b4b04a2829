"""OSV advisories: JSON records (one per file or an array), the PyPA database's YAML, a folder
tree of either, and osv.dev's per-ecosystem ``all.zip`` (read in memory, never extracted).
A record that breaks the OSV schema is quarantined with the reason; the rest is read."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import msgspec
import yaml

from hemostat.domain.vulnerability import (
    FeedBatch,
    FeedKind,
    Provenance,
    Quarantined,
    Vulnerability,
)
from hemostat.errors import FeedError
from hemostat.feeds.base import (
    DEFAULT_LIMITS,
    FeedLimits,
    iter_documents,
    parse_timestamp,
    register,
)
from hemostat.feeds.osv_model import (
    IdOnly,
    Record,
    RecordError,
    aliases_of,
    cvss_of,
    cwes_of,
    packages_of,
    references_of,
    summary_of,
)

_SUFFIXES = (".json", ".yaml", ".yml", ".json.gz")
_JSON_KEYS = re.compile(
    rb'"(affected|ecosystem|introduced|schema_version|modified|aliases|published|withdrawn|details)"\s*:'
)
_NOT_OSV = re.compile(
    rb'"(dataType|cveMetadata|resultsPerPage|document|catalogVersion|CVE_Items|cve)"\s*:'
)
_YAML_KEYS = re.compile(rb"^(id|modified|affected|aliases|schema_version):", re.MULTILINE)
_YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # every scalar a string: no dates
_RECORD = msgspec.json.Decoder(Record)
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_ID_ONLY = msgspec.json.Decoder(IdOnly)
MAX_YAML_NODES = 1_000_000
PLACEHOLDER = Provenance(FeedKind.OSV, "", date(1970, 1, 1))  # replaced once the batch is dated


class _DocumentError(ValueError):
    """A whole file or zip member cannot be decoded."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    name: str  # record id, or the file it came from when there is no usable id
    vulnerability: Vulnerability | None = None
    problem: str = ""
    origin: str = ""  # the file or zip member, when the source holds many

    def where(self) -> str:
        return f" [{self.origin}]" if self.origin and self.origin != self.name else ""


@dataclass(frozen=True, slots=True)
class OsvReader:
    kind: FeedKind = FeedKind.OSV
    limits: FeedLimits = DEFAULT_LIMITS

    def sniff(self, name: str, head: bytes) -> bool:
        lowered = name.lower()
        if lowered.endswith((".yaml", ".yml")):
            return len(set(_YAML_KEYS.findall(head))) >= 2
        if not lowered.endswith((".json", ".json.gz")) or head[:1] not in (b"{", b"["):
            return False
        return len(set(_JSON_KEYS.findall(head))) >= 2 and not _NOT_OSV.search(head)

    def read(self, path: Path) -> FeedBatch:
        single = path.is_file() and not zipfile.is_zipfile(path)
        outcomes: list[_Outcome] = []
        warnings: list[str] = []
        for member in iter_documents(path, _SUFFIXES, self.limits):
            if member.problem:
                outcomes.append(_Outcome(member.name, problem=member.problem))
                continue
            try:
                found = _parse_document(member.name, member.data, warnings)
                outcomes.extend(replace(o, origin=member.name) for o in found)
            except _DocumentError as exc:
                if single:
                    raise FeedError(str(exc), file=str(path)) from None
                outcomes.append(_Outcome(member.name, problem=str(exc)))
        return _batch(outcomes, warnings, source=str(path))


def _parse_document(name: str, data: bytes, warnings: list[str]) -> Iterator[_Outcome]:
    """The records of one JSON or YAML document (an object, or an array of objects)."""
    if name.lower().endswith((".yaml", ".yml")):
        yield _from_python(name, _load_yaml(data), warnings)
        return
    stripped = data.lstrip()
    if stripped[:1] == b"[":
        try:
            items = _RAW_LIST.decode(stripped)
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            raise _DocumentError(f"not a JSON array of OSV records: {exc}") from None
        for index, item in enumerate(items):
            yield _from_json(f"{name}[{index}]", item, warnings)
        return
    yield _from_json(name, stripped, warnings)


def _from_json(name: str, data: bytes | msgspec.Raw, warnings: list[str]) -> _Outcome:
    try:
        record = _RECORD.decode(data)
    except msgspec.ValidationError as exc:
        return _Outcome(_id_or(name, data), problem=f"OSV schema: {exc}")
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # msgspec checks UTF-8 itself
        raise _DocumentError(f"not valid JSON: {exc}") from None
    return _convert(record, warnings)


def _id_or(name: str, data: bytes | msgspec.Raw) -> str:
    try:
        return _ID_ONLY.decode(data).id.strip() or name
    except (msgspec.DecodeError, UnicodeDecodeError):
        return name


def _load_yaml(data: bytes) -> object:
    try:
        doc = yaml.load(data, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise _DocumentError(f"not valid YAML: {str(exc)[:200]}") from None
    if b"*" in data or b"&" in data:  # without these bytes there can be no anchor or alias
        _check_tree(doc)
    return doc


def _check_tree(doc: object) -> None:
    # YAML aliases share nodes; walking them as a tree could explode (billion laughs), so a
    # node seen twice or too many nodes refuses the document. OSV never needs aliases.
    seen: set[int] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen or len(seen) >= MAX_YAML_NODES:
                raise _DocumentError("YAML aliases or too many nodes are not allowed")
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)


def _from_python(name: str, doc: object, warnings: list[str]) -> _Outcome:
    if not isinstance(doc, dict):
        raise _DocumentError(f"not an OSV record: a YAML {type(doc).__name__}, not a mapping")
    try:
        record = msgspec.convert(doc, Record)
    except msgspec.ValidationError as exc:
        rid = doc.get("id")
        return _Outcome(rid if isinstance(rid, str) and rid else name, problem=f"OSV schema: {exc}")
    return _convert(record, warnings)


def _convert(record: Record, warnings: list[str]) -> _Outcome:
    rid = record.id.strip()
    if not rid:
        return _Outcome("<no id>", problem="empty 'id'")
    notes: list[str] = []
    try:
        vulnerability = Vulnerability(
            id=rid,
            provenance=PLACEHOLDER,
            aliases=aliases_of(record),
            summary=summary_of(record),
            published=_when(record.published, "published"),
            modified=_when(record.modified, "modified"),
            withdrawn=_when(record.withdrawn, "withdrawn"),
            cvss=cvss_of(record, notes),
            cwes=cwes_of(record),
            references=references_of(record),
            packages=packages_of(record, notes),
        )
    except RecordError as exc:
        return _Outcome(rid, problem=str(exc))
    warnings.extend(notes)
    return _Outcome(rid, vulnerability)


def _when(value: str | None, field: str) -> datetime | None:
    if value is None or (field != "modified" and not value.strip()):
        return None
    try:
        parsed = parse_timestamp(value)
    except ValueError:
        raise RecordError(f"'{field}' {value[:40]!r} is not an RFC 3339 date") from None
    # Go's vulndb source records carry the zero time 0001-01-01 for "set on publication".
    return None if parsed.year <= 1 else parsed


def _snapshot(vulnerabilities: Iterable[Vulnerability]) -> date:
    """The newest ``modified`` date; records without one (Go's zero time) count their
    ``published``/``withdrawn`` dates instead."""
    dates = [
        when.date()
        for v in vulnerabilities
        for when in ((v.modified,) if v.modified else (v.published, v.withdrawn))
        if when is not None
    ]
    return max(dates, default=date.min)


def _batch(outcomes: list[_Outcome], warnings: list[str], *, source: str) -> FeedBatch:
    quarantined: list[Quarantined] = []
    kept: dict[str, Vulnerability] = {}
    for outcome in outcomes:
        vuln = outcome.vulnerability
        if vuln is not None and vuln.id in kept:
            reason = "duplicate id (the first record is kept)" + outcome.where()
            quarantined.append(Quarantined(FeedKind.OSV, source, vuln.id, reason))
        elif vuln is not None:
            kept[vuln.id] = vuln
        else:
            reason = outcome.problem + outcome.where()
            quarantined.append(Quarantined(FeedKind.OSV, source, outcome.name, reason))
    if not kept:
        first = (
            f"; first problem: {quarantined[0].record}: {quarantined[0].reason}"
            if quarantined
            else ""
        )
        raise FeedError(
            f"no readable OSV records ({len(quarantined)} quarantined{first})", file=source
        )
    snapshot = _snapshot(kept.values())
    vulnerabilities = tuple(
        replace(v, provenance=Provenance(FeedKind.OSV, source, snapshot, v.id))
        for v in kept.values()
    )
    return FeedBatch(
        feed=FeedKind.OSV,
        source=source,
        snapshot=snapshot,
        vulnerabilities=vulnerabilities,
        quarantined=tuple(quarantined),
        warnings=tuple(warnings),
    )


register(OsvReader())
