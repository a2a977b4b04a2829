"""CSAF 2.0 advisories (OASIS CSAF v2.0; CISA's ICSMA medical advisories are CSAF): a document
file, a directory of them (recursive ``*.json``), a provider's ``provider-metadata.json`` (its
``directory_url`` / ROLIE feed URLs are followed when they are local paths beside the metadata)
or a ROLIE feed (``feed.entry[].content.src``). Each document becomes a ``CsafAdvisory`` with its
product tree, product status, CVSS, CWEs and remediations. Only unreadable JSON or a document
without ``/document`` fails a file (``FeedError``; ``Quarantined`` inside a directory); failed CSAF
mandatory tests and odd version names are per-advisory warnings, never a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from hemostat.domain.vulnerability import CsafAdvisory, FeedBatch, FeedKind, Provenance, Quarantined
from hemostat.errors import FeedError
from hemostat.feeds.base import (
    DEFAULT_LIMITS,
    FeedLimits,
    iter_files,
    parse_timestamp,
    read_bytes,
    register,
)
from hemostat.feeds.csaf_checks import run_checks
from hemostat.feeds.csaf_sources import Kind, classify, local_targets
from hemostat.feeds.csaf_tree import obj, read_tree, text
from hemostat.feeds.csaf_vulns import read_vulnerabilities

SUFFIXES = (".json",)
_SNIFF_MARKERS = (b'"csaf_version"', b'"csaf_security_advisory"', b'"csaf_vex"', b'"csaf_base"')
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_META_MARKERS = (b'"metadata_version"', b"urn:ietf:params:rolie", b'"csaf_providers"')


@dataclass(slots=True)
class _Collector:
    source: str
    advisories: dict[str, CsafAdvisory] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)

    def keep(self, advisory: CsafAdvisory) -> None:
        """One advisory per tracking id: the latest current release wins."""
        old = self.advisories.get(advisory.id)
        if old is None or _release(old) <= _release(advisory):
            self.advisories[advisory.id] = advisory


def _release(advisory: CsafAdvisory) -> str:
    stamp = advisory.current_release or advisory.initial_release
    return stamp.isoformat() if stamp else ""


@dataclass(frozen=True, slots=True)
class CsafReader:
    kind: FeedKind = FeedKind.CSAF
    limits: FeedLimits = DEFAULT_LIMITS

    def sniff(self, name: str, head: bytes) -> bool:
        if not name.lower().endswith(SUFFIXES) or not head.startswith(b"{"):
            return False
        return any(m in head for m in _SNIFF_MARKERS) or any(m in head for m in _META_MARKERS)

    def read(self, path: Path) -> FeedBatch:
        out = _Collector(str(path))
        if path.is_dir():
            for file in iter_files(path, SUFFIXES):
                self._read_file(file, out, in_folder=True)
        else:
            self._read_file(path, out, in_folder=False)
        return _batch(out)

    def _read_file(self, path: Path, out: _Collector, *, in_folder: bool) -> None:
        key = path.resolve()
        if key in out.seen:  # the same file reached twice (folder walk, ROLIE entry, metadata)
            return
        out.seen.add(key)
        try:
            self._take(path, load_json(path, self.limits), out, in_folder=in_folder)
        except FeedError as exc:
            if not in_folder:
                raise
            out.quarantined.append(Quarantined(FeedKind.CSAF, str(path), path.name, exc.message))

    def _take(
        self, path: Path, doc: Mapping[str, Any], out: _Collector, *, in_folder: bool
    ) -> None:
        kind = classify(doc)
        if kind is Kind.ADVISORY:
            out.keep(parse_advisory(doc, source=str(path)))
        elif kind is Kind.UNKNOWN:
            raise FeedError("not a CSAF document: no /document object", file=str(path))
        elif in_folder:  # metadata met while walking a folder: its documents are there too
            out.warnings.append(f"{path}: skipped, a {kind.value} (not an advisory)")
        else:
            self._follow(path, doc, out)

    def _follow(self, path: Path, doc: Mapping[str, Any], out: _Collector) -> None:
        targets, warnings = local_targets(path, doc)
        out.warnings.extend(warnings)
        for target in targets:
            if target.is_dir():
                for file in iter_files(target, SUFFIXES):
                    self._read_file(file, out, in_folder=True)
            elif target.is_file():
                try:  # a listed file that is bad is quarantined: the listing itself was readable
                    self._read_file(target, out, in_folder=False)
                except FeedError as exc:
                    out.quarantined.append(
                        Quarantined(FeedKind.CSAF, str(target), target.name, exc.message)
                    )
            else:
                out.warnings.append(f"{path}: listed {target} does not exist")


def load_json(path: Path, limits: FeedLimits = DEFAULT_LIMITS) -> Mapping[str, Any]:
    """One JSON object from a file (capped like one feed member: CSAF documents are small, the
    2.1 text suggests at most 15 MB), gzip undone; ``FeedError`` otherwise."""
    cap = limits.max_member_bytes
    data = read_bytes(path, FeedLimits(max_file_bytes=cap, max_decompressed_bytes=cap))
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}", file=str(path)) from None
    if not isinstance(doc, dict):
        raise FeedError(f"not a CSAF document: top level is a {type(doc).__name__}", file=str(path))
    return doc


def parse_advisory(doc: Mapping[str, Any], *, source: str) -> CsafAdvisory:
    """Map one CSAF document (a JSON object with ``/document``) to a ``CsafAdvisory``."""
    document = obj(doc.get("document"))
    tracking = obj(document.get("tracking"))
    warnings: list[str] = []
    advisory_id = text(tracking.get("id"))
    if not advisory_id:
        advisory_id = Path(source).stem
        warnings.append(f"malformed: /document/tracking/id is missing (using {advisory_id!r})")
    if (version := text(document.get("csaf_version"))) != "2.0":
        warnings.append(f"csaf_version {version!r}: read with the CSAF 2.0 rules and tests")
    initial = _timestamp(tracking, "initial_release_date", warnings)
    current = _timestamp(tracking, "current_release_date", warnings)
    publisher = text(obj(document.get("publisher")).get("name"))
    tree = read_tree(doc)
    vulns, vuln_warnings = read_vulnerabilities(doc, tree, publisher or advisory_id)
    snapshot = (current or initial or _EPOCH).date()
    return CsafAdvisory(
        id=advisory_id,
        title=text(document.get("title")),
        publisher=publisher,
        category=text(document.get("category")),
        initial_release=initial,
        current_release=current,
        products=tuple(tree.products.values()),
        vulnerabilities=vulns,
        provenance=Provenance(FeedKind.CSAF, source, snapshot, advisory_id),
        warnings=tuple(
            dict.fromkeys([*warnings, *tree.warnings, *vuln_warnings, *run_checks(doc, tree)])
        ),
    )


def _timestamp(tracking: Mapping[str, Any], key: str, warnings: list[str]) -> datetime | None:
    if key not in tracking:
        warnings.append(f"malformed: /document/tracking/{key} is missing")
        return None
    try:
        return parse_timestamp(tracking[key])
    except ValueError:
        warnings.append(f"malformed: /document/tracking/{key} {tracking[key]!r} is not a date")
        return None


def _batch(out: _Collector) -> FeedBatch:
    advisories = tuple(sorted(out.advisories.values(), key=lambda a: a.id))
    snapshot = max((a.provenance.snapshot for a in advisories), default=date.today())
    return FeedBatch(
        feed=FeedKind.CSAF,
        source=out.source,
        snapshot=snapshot,
        advisories=advisories,
        quarantined=tuple(out.quarantined),
        warnings=tuple(out.warnings),
        complete=False,
    )


register(CsafReader())
