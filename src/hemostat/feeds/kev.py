"""CISA Known Exploited Vulnerabilities catalog (JSON, DOMAIN.md §7.1). Unknown fields are
ignored; an entry that cannot be used (bad CVE id, bad date, wrong type) is quarantined."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson

from hemostat.domain.vulnerability import FeedBatch, FeedKind, KevEntry, Provenance, Quarantined
from hemostat.errors import FeedError
from hemostat.feeds.base import (
    DEFAULT_LIMITS,
    FeedLimits,
    parse_timestamp,
    pick_file,
    read_bytes,
    register,
)

CVE_RE = re.compile(r"CVE-\d{4}-\d{4,19}")
CWE_RE = re.compile(r"CWE-\d+")
# A value, not a schema: the catalog's JSON schema mentions the same keys with objects as values.
_SNIFF = re.compile(rb'"(catalogVersion|cveID)"\s*:\s*"')


class _BadEntry(ValueError):
    """Why one catalog entry is quarantined."""


@dataclass(frozen=True, slots=True)
class KevReader:
    kind: FeedKind = FeedKind.KEV
    limits: FeedLimits = DEFAULT_LIMITS

    def sniff(self, name: str, head: bytes) -> bool:
        lowered = name.lower()
        if not lowered.endswith((".json", ".json.gz")) or not head.startswith(b"{"):
            return False
        return _SNIFF.search(head) is not None

    def read(self, path: Path) -> FeedBatch:
        path = pick_file(path, self, (".json", ".json.gz"))
        return parse_kev(read_bytes(path, self.limits), source=str(path))


def parse_kev(data: bytes, *, source: str) -> FeedBatch:
    """Parse one KEV catalog document (already decompressed)."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}", file=source) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("vulnerabilities"), list):
        raise FeedError(
            "not a KEV catalog: expected an object with a 'vulnerabilities' array", file=source
        )
    snapshot = _snapshot(doc, source)
    entries: list[KevEntry] = []
    quarantined: list[Quarantined] = []
    seen: set[str] = set()
    for index, raw in enumerate(doc["vulnerabilities"]):
        record = _record_name(raw, index)
        try:
            entry = _entry(raw, Provenance(FeedKind.KEV, source, snapshot, record))
            if entry.cve in seen:
                raise _BadEntry("duplicate cveID (the first entry is kept)")
        except _BadEntry as exc:
            quarantined.append(Quarantined(FeedKind.KEV, source, record, str(exc)))
            continue
        seen.add(entry.cve)
        entries.append(entry)
    return FeedBatch(
        feed=FeedKind.KEV,
        source=source,
        snapshot=snapshot,
        kev=tuple(entries),
        quarantined=tuple(quarantined),
        warnings=_count_warning(doc.get("count"), len(doc["vulnerabilities"])),
    )


def _snapshot(doc: Mapping[str, object], source: str) -> date:
    released = doc.get("dateReleased")
    try:
        return parse_timestamp(released).date()
    except ValueError:
        pass
    version = doc.get("catalogVersion")
    try:  # the catalog version is the release date as YYYY.MM.DD
        return date.fromisoformat(str(version).replace(".", "-"))
    except ValueError:
        raise FeedError(
            f"KEV catalog has no usable dateReleased ({released!r}) or catalogVersion",
            file=source,
            location="dateReleased",
        ) from None


def _record_name(raw: object, index: int) -> str:
    cve = raw.get("cveID") if isinstance(raw, dict) else None
    return cve if isinstance(cve, str) and cve else f"vulnerabilities[{index}]"


def _entry(raw: object, provenance: Provenance) -> KevEntry:
    if not isinstance(raw, dict):
        raise _BadEntry(f"entry is a {type(raw).__name__}, not an object")
    cve = raw.get("cveID")
    if not isinstance(cve, str) or not CVE_RE.fullmatch(cve.strip()):
        raise _BadEntry(f"cveID {cve!r} is not a CVE id")
    return KevEntry(
        cve=cve.strip(),
        vendor=_text(raw, "vendorProject"),
        product=_text(raw, "product"),
        name=_text(raw, "vulnerabilityName"),
        date_added=_required_date(raw, "dateAdded"),
        due_date=_optional_date(raw, "dueDate"),
        required_action=_text(raw, "requiredAction"),
        ransomware=_text(raw, "knownRansomwareCampaignUse") or "Unknown",
        notes=_text(raw, "notes"),
        cwes=_cwes(raw.get("cwes")),
        provenance=provenance,
    )


def _text(raw: Mapping[str, object], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadEntry(f"{key} is a {type(value).__name__}, not a string")
    return value.strip()


def _required_date(raw: Mapping[str, object], key: str) -> date:
    found = _optional_date(raw, key)
    if found is None:
        raise _BadEntry(f"{key} is missing")
    return found


def _optional_date(raw: Mapping[str, object], key: str) -> date | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    try:
        return parse_timestamp(value).date()
    except ValueError:
        raise _BadEntry(f"{key} {value!r} is not a date") from None


def _cwes(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _BadEntry("cwes is not a list of strings")
    # Values such as "NVD-CWE-noinfo" say "no CWE": they are not kept as weaknesses.
    return tuple(dict.fromkeys(v.strip() for v in value if CWE_RE.fullmatch(v.strip())))


def _count_warning(count: object, actual: int) -> tuple[str, ...]:
    if isinstance(count, int) and count != actual:
        return (f"catalog says count={count} but lists {actual} entries",)
    return ()


register(KevReader())
