"""NVD CVE API 2.0 JSON: response pages (``vulnerabilities[].cve``, as the API returns them, gzip
or not), single per-CVE records (``{"cve": {...}}`` or the bare ``cve`` object, as public mirrors
store them) and directories of either. Each CVE becomes a ``Vulnerability`` with CVSS v2/v3.x/v4,
CWEs, references and its CPE configurations. NVD never deletes a CVE (it rejects it), so every
batch is a delta (``complete=False``): records are merged by id, newest ``lastModified`` wins."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import msgspec
import orjson

from hemostat.domain.cpe import CpeError, normalize_cpe
from hemostat.domain.vulnerability import (
    ConfigNode,
    Configuration,
    CpeMatch,
    CvssScore,
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

SUFFIXES = (".json", ".json.gz")
RESULTS_PER_PAGE = 2000  # the API's maximum for /cves/2.0
MAX_WINDOW = timedelta(days=120)  # the API's maximum lastModStartDate..lastModEndDate range
MAX_SUMMARY = 1000
MAX_REFERENCES = 20
CVE_RE = re.compile(r"CVE-\d{4}-\d{4,19}")
CWE_RE = re.compile(r"CWE-\d+")
_SNIFF_MARKERS = (b'"NVD_CVE"', b'"vulnStatus"', b'"sourceIdentifier"', b'"cveTags"')
_OTHER_FORMATS = frozenset({"NVD_CPE", "NVD_CPEMatchString", "NVD_CVEHistory", "NVD_SOURCE"})
# Metric keys, newest CVSS version first (the order scores are kept in after "Primary" ones).
_METRIC_KEYS = ("cvss_metric_v40", "cvss_metric_v31", "cvss_metric_v30", "cvss_metric_v2")


class _Text(msgspec.Struct):
    lang: str = ""
    value: str = ""


class _CvssData(msgspec.Struct, rename="camel"):
    version: str
    vector_string: str
    base_score: float
    base_severity: str = ""


class _Metric(msgspec.Struct, rename="camel"):
    cvss_data: _CvssData
    source: str = ""
    type: str = ""
    base_severity: str = ""  # CVSS v2 keeps the severity here, not in cvssData


class _Metrics(msgspec.Struct, rename="camel"):
    cvss_metric_v40: list[_Metric] = []
    cvss_metric_v31: list[_Metric] = []
    cvss_metric_v30: list[_Metric] = []
    cvss_metric_v2: list[_Metric] = []


class _Weakness(msgspec.Struct):
    description: list[_Text] = []
    type: str = ""


class _Match(msgspec.Struct, rename="camel"):
    criteria: str
    vulnerable: bool = True
    version_start_including: str | None = None
    version_start_excluding: str | None = None
    version_end_including: str | None = None
    version_end_excluding: str | None = None


class _Node(msgspec.Struct, rename="camel"):
    cpe_match: list[_Match] = []
    operator: str = "OR"
    negate: bool = False


class _Config(msgspec.Struct):
    nodes: list[_Node] = []
    operator: str = "OR"
    negate: bool = False


class _Reference(msgspec.Struct):
    url: str


class _Cve(msgspec.Struct, rename="camel"):
    id: str
    published: str
    last_modified: str
    vuln_status: str = ""
    descriptions: list[_Text] = []
    metrics: _Metrics = msgspec.field(default_factory=_Metrics)
    weaknesses: list[_Weakness] = []
    configurations: list[_Config] = []
    references: list[_Reference] = []


class _BadRecord(ValueError):
    """Why one CVE record is quarantined."""


@dataclass(frozen=True, slots=True)
class PageInfo:
    """The paging fields of one API response, for the sync loop."""

    results_per_page: int
    start_index: int
    total_results: int
    timestamp: datetime | None


@dataclass(slots=True)
class _Collector:
    source: str
    records: dict[str, Vulnerability] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def quarantine(self, source: str, record: str, reason: str) -> None:
        self.quarantined.append(Quarantined(FeedKind.NVD, source, record, reason))

    def keep(self, vuln: Vulnerability) -> None:
        old = self.records.get(vuln.id)
        if old is None or (old.modified or _EPOCH) <= (vuln.modified or _EPOCH):
            self.records[vuln.id] = vuln


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class NvdReader:
    kind: FeedKind = FeedKind.NVD
    limits: FeedLimits = DEFAULT_LIMITS

    def sniff(self, name: str, head: bytes) -> bool:
        if not name.lower().endswith(SUFFIXES) or not head.startswith(b"{"):
            return False
        return any(marker in head for marker in _SNIFF_MARKERS) and b'"CVE-' in head

    def read(self, path: Path) -> FeedBatch:
        out = _Collector(str(path))
        in_folder = path.is_dir()
        for member in iter_documents(path, SUFFIXES, self.limits):
            source = str(path / member.name) if in_folder else str(path)
            try:
                if member.problem:
                    raise FeedError(member.problem, file=source)
                _parse_document(member.data, source=source, out=out)
            except FeedError as exc:
                if not in_folder:
                    raise
                out.quarantine(source, member.name, exc.message)
        return _batch(out)


def parse_nvd(data: bytes, *, source: str) -> FeedBatch:
    """One page or record file already in memory (gzip undone), e.g. as the sync downloads it."""
    out = _Collector(source)
    _parse_document(data, source=source, out=out)
    return _batch(out)


def _parse_document(data: bytes, *, source: str, out: _Collector) -> None:
    """Add the CVEs of one page or record file to ``out``; raise ``FeedError`` if it is neither."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}", file=source) from None
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if isinstance(fmt, str) and fmt in _OTHER_FORMATS and "vulnerabilities" not in doc:
        out.warnings.append(f"{source}: skipped, an NVD {fmt} response holds no CVE records")
        return
    for record, raw in _records(doc, source):
        try:
            out.keep(_vulnerability(raw, source, out.warnings))
        except _BadRecord as exc:
            out.quarantine(source, record, str(exc))


def _records(doc: object, source: str) -> Iterator[tuple[str, object]]:
    if isinstance(doc, dict) and isinstance(doc.get("vulnerabilities"), list):
        for index, item in enumerate(doc["vulnerabilities"]):
            raw = item.get("cve") if isinstance(item, dict) else None
            yield _record_name(raw, f"vulnerabilities[{index}]"), raw
    elif isinstance(doc, dict) and isinstance(doc.get("cve"), dict):
        yield _record_name(doc["cve"], "cve"), doc["cve"]
    elif isinstance(doc, dict) and isinstance(doc.get("id"), str) and "descriptions" in doc:
        yield _record_name(doc, "record"), doc
    elif isinstance(doc, dict) and "CVE_Items" in doc:
        raise FeedError(
            "an NVD 1.1 data feed (retired by NVD in 2023)",
            file=source,
            hint="use CVE API 2.0 pages or per-CVE API 2.0 records",
        )
    else:
        raise FeedError(
            "not an NVD CVE API 2.0 page or record (no 'vulnerabilities', 'cve' or CVE id)",
            file=source,
        )


def _record_name(raw: object, fallback: str) -> str:
    cve_id = raw.get("id") if isinstance(raw, dict) else None
    return cve_id if isinstance(cve_id, str) and cve_id else fallback


def _vulnerability(raw: object, source: str, warnings: list[str]) -> Vulnerability:
    try:
        cve = msgspec.convert(raw, _Cve)
    except msgspec.ValidationError as exc:
        raise _BadRecord(f"not an NVD CVE record: {exc}") from None
    if not CVE_RE.fullmatch(cve.id):
        raise _BadRecord(f"id {cve.id!r} is not a CVE id")
    try:
        published = parse_timestamp(cve.published)
        modified = parse_timestamp(cve.last_modified)
    except ValueError as exc:
        raise _BadRecord(f"bad published/lastModified date: {exc}") from None
    return Vulnerability(
        id=cve.id,
        provenance=Provenance(FeedKind.NVD, source, modified.date(), cve.id),
        summary=_summary(cve.descriptions),
        published=published,
        modified=modified,
        withdrawn=modified if cve.vuln_status == "Rejected" else None,
        cvss=_scores(cve.metrics),
        cwes=_cwes(cve.weaknesses),
        references=tuple(dict.fromkeys(r.url for r in cve.references))[:MAX_REFERENCES],
        configurations=tuple(_configuration(c, cve.id, warnings) for c in cve.configurations),
    )


def _summary(descriptions: list[_Text]) -> str:
    english = [d.value for d in descriptions if d.lang.lower().startswith("en")]
    chosen = english[0] if english else (descriptions[0].value if descriptions else "")
    text = " ".join(chosen.split())
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def _scores(metrics: _Metrics) -> tuple[CvssScore, ...]:
    ranked: list[tuple[int, int, CvssScore]] = []
    for rank, key in enumerate(_METRIC_KEYS):
        for metric in getattr(metrics, key):
            data = metric.cvss_data
            score = CvssScore(
                version=data.version,
                vector=data.vector_string,
                base_score=data.base_score,
                severity=(data.base_severity or metric.base_severity).upper(),
                source=metric.source,
            )
            ranked.append((metric.type != "Primary", rank, score))
    ranked.sort(key=lambda item: item[:2])  # stable: the record's own order within a tie
    return tuple(score for _, _, score in ranked)


def _cwes(weaknesses: list[_Weakness]) -> tuple[str, ...]:
    # "NVD-CWE-Other" / "NVD-CWE-noinfo" say "no CWE": they are not kept as weaknesses.
    ordered = sorted(weaknesses, key=lambda w: w.type != "Primary")
    values = (d.value.strip() for w in ordered for d in w.description)
    return tuple(dict.fromkeys(v for v in values if CWE_RE.fullmatch(v)))


def _configuration(config: _Config, cve_id: str, warnings: list[str]) -> Configuration:
    nodes = tuple(
        ConfigNode(
            operator=node.operator.upper(),
            negate=node.negate,
            matches=tuple(_matches(node.cpe_match, cve_id, warnings)),
        )
        for node in config.nodes
    )
    return Configuration(nodes=nodes, operator=config.operator.upper(), negate=config.negate)


def _matches(matches: Iterable[_Match], cve_id: str, warnings: list[str]) -> Iterator[CpeMatch]:
    for m in matches:
        try:
            criteria = normalize_cpe(m.criteria)
        except CpeError as exc:
            # Dropped, not guessed: the node keeps its other matches (an emptied node never
            # matches, so a configuration never gets wider than NVD wrote it).
            warnings.append(f"{cve_id}: dropped CPE match {m.criteria!r}: {exc}")
            continue
        yield CpeMatch(
            criteria=criteria,
            vulnerable=m.vulnerable,
            version_start_including=m.version_start_including,
            version_start_excluding=m.version_start_excluding,
            version_end_including=m.version_end_including,
            version_end_excluding=m.version_end_excluding,
        )


def _batch(out: _Collector) -> FeedBatch:
    records = tuple(sorted(out.records.values(), key=lambda v: v.id))
    snapshot = max((v.provenance.snapshot for v in records), default=date.today())
    return FeedBatch(
        feed=FeedKind.NVD,
        source=out.source,
        snapshot=snapshot,
        vulnerabilities=records,
        quarantined=tuple(out.quarantined),
        warnings=tuple(out.warnings),
        complete=False,
    )


def page_info(data: bytes, *, source: str = "<page>") -> PageInfo:
    """The paging fields of one CVE API 2.0 response (raises ``FeedError`` if it is not one)."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}", file=source) from None
    fields = ("resultsPerPage", "startIndex", "totalResults")
    if not isinstance(doc, dict) or not all(isinstance(doc.get(f), int) for f in fields):
        raise FeedError("not a CVE API 2.0 response (no paging fields)", file=source)
    try:
        stamp: datetime | None = parse_timestamp(doc.get("timestamp"))
    except ValueError:
        stamp = None
    return PageInfo(doc["resultsPerPage"], doc["startIndex"], doc["totalResults"], stamp)


def page_params(
    last_modified_start: datetime | None, start_index: int, *, now: datetime | None = None
) -> dict[str, str]:
    """Query parameters for one ``/rest/json/cves/2.0`` page: the whole database when
    ``last_modified_start`` is None, else the changes from it over at most 120 days (the API's
    cap; the caller continues from the returned ``lastModEndDate`` until it reaches now)."""
    params = {"resultsPerPage": str(RESULTS_PER_PAGE), "startIndex": str(max(start_index, 0))}
    if last_modified_start is None:
        return params
    start = _utc(last_modified_start)
    end = min(start + MAX_WINDOW, _utc(now or datetime.now(UTC)))
    params["lastModStartDate"] = _api_time(start)
    params["lastModEndDate"] = _api_time(max(end, start))
    return params


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _api_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+00:00"


register(NvdReader())
