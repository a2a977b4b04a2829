"""FIRST EPSS scores (DOMAIN.md §7.2): ``epss_scores-YYYY-MM-DD.csv(.gz)`` with an optional
``#model_version:...,score_date:...`` line and the ``cve,epss,percentile`` header; also the
headerless ``cve;epss;percentile`` per-year crawl layout. ~360k rows, so the clean case is parsed
column-wise in C (split/map) and only a file with bad rows takes the per-line path."""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from pathlib import Path

from hemostat.domain.vulnerability import EpssScore, FeedBatch, FeedKind, Quarantined
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
HEADER = "cve,epss,percentile"
_RAW_ROW = re.compile(rb"CVE-\d{4}-\d{4,19};[0-9.eE+-]+;[0-9.eE+-]+\s*$")
_MODEL = re.compile(r"model_version:\s*([^,\s]+)")
_SCORE_DATE = re.compile(r"score_date:\s*([0-9][0-9T:.+\-Z]*)")
_NAME_DATE = re.compile(r"epss_scores-(?:derived-)?(\d{4}-\d{2}-\d{2})")
_SUFFIXES = (".csv", ".csv.gz")


@dataclass(frozen=True, slots=True)
class EpssReader:
    kind: FeedKind = FeedKind.EPSS
    limits: FeedLimits = DEFAULT_LIMITS

    def sniff(self, name: str, head: bytes) -> bool:
        if not name.lower().endswith(_SUFFIXES):
            return False
        lines = head.splitlines()[:2]
        if head.startswith(b"#model_version") or any(
            ln.strip().lower() == HEADER.encode() for ln in lines
        ):
            return True
        return bool(lines) and _RAW_ROW.match(lines[0]) is not None

    def read(self, path: Path) -> FeedBatch:
        path = pick_file(path, self, _SUFFIXES)
        return parse_epss(read_bytes(path, self.limits), source=str(path), name=path.name)


def parse_epss(data: bytes, *, source: str, name: str, snapshot: date | None = None) -> FeedBatch:
    """Parse one EPSS CSV. The score date comes from ``snapshot``, the comment line or the file
    name, in that order; without one the file is refused (scores are meaningless undated)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FeedError(f"not UTF-8 text (byte {exc.start})", file=source) from None
    comments, body, delimiter = _split_header(text, source)
    model, score_date = _comment_fields(comments)
    day = snapshot or score_date or _date_from_name(name, source)
    scores, quarantined = _rows(body, delimiter, day, model, source)
    if not scores:
        raise FeedError("no usable EPSS rows", file=source)
    return FeedBatch(
        feed=FeedKind.EPSS,
        source=source,
        snapshot=day,
        epss=scores,
        quarantined=quarantined,
    )


def _split_header(text: str, source: str) -> tuple[list[str], str, str]:
    """(comment lines, data text, delimiter): the header line is consumed when present."""
    comments: list[str] = []
    rest = text.replace("\r\n", "\n")
    while rest.startswith("#"):
        line, _, rest = rest.partition("\n")
        comments.append(line)
    first, _, after = rest.partition("\n")
    if first.strip().lower() == HEADER:
        return comments, after, ","
    if _RAW_ROW.match(first.encode()):
        return comments, rest, ";"
    raise FeedError(
        f"expected the header {HEADER!r}, found {first[:60]!r}",
        file=source,
        location=f"line {len(comments) + 1}",
    )


def _comment_fields(comments: list[str]) -> tuple[str, date | None]:
    model, day = "", None
    for line in comments:
        if found := _MODEL.search(line):
            model = found.group(1)
        if found := _SCORE_DATE.search(line):
            try:
                day = parse_timestamp(found.group(1)).date()
            except ValueError:
                day = None
    return model, day


def _date_from_name(name: str, source: str) -> date:
    found = _NAME_DATE.search(name)
    try:
        if found:
            return date.fromisoformat(found.group(1))
    except ValueError:
        pass
    raise FeedError(
        "EPSS file has no score date (no '#model_version:...,score_date:...' line and no "
        "date in the file name)",
        file=source,
        hint="keep FIRST's file name epss_scores-YYYY-MM-DD.csv.gz",
    )


def _rows(
    body: str, delimiter: str, day: date, model: str, source: str
) -> tuple[tuple[EpssScore, ...], tuple[Quarantined, ...]]:
    body = body.strip("\n")
    with _gc_paused():
        columns = _fast_columns(body, delimiter)
        if columns is None:
            return _slow_rows(body, delimiter, day, model, source)
        cves, epss, percentiles = columns
        n = len(cves)
        return tuple(map(EpssScore, cves, epss, percentiles, repeat(day, n), repeat(model, n))), ()


def _fast_columns(body: str, delimiter: str) -> tuple[list[str], list[float], list[float]] | None:
    """All three columns at C speed, or None if any row is not clean (then: per-line path)."""
    flat = body.replace("\n", delimiter).split(delimiter) if body else []
    if len(flat) % 3:
        return None
    cves = flat[0::3]
    try:
        epss = list(map(float, flat[1::3]))
        percentiles = list(map(float, flat[2::3]))
    except ValueError:
        return None
    clean = (
        all(map(CVE_RE.fullmatch, cves))
        and _probabilities(epss)
        and _probabilities(percentiles)
        and len(set(cves)) == len(cves)
    )
    return (cves, epss, percentiles) if clean else None


def _probabilities(values: list[float]) -> bool:
    return not values or (
        all(map(math.isfinite, values)) and min(values) >= 0.0 and max(values) <= 1.0
    )


def _slow_rows(
    body: str, delimiter: str, day: date, model: str, source: str
) -> tuple[tuple[EpssScore, ...], tuple[Quarantined, ...]]:
    scores: list[EpssScore] = []
    bad: list[Quarantined] = []
    seen: set[str] = set()
    for number, line in enumerate(body.split("\n"), start=1):
        if not line.strip():
            continue
        problem, score = _one_row(line, delimiter, day, model)
        if score is not None and score.cve in seen:
            problem, score = "duplicate CVE (the first row is kept)", None
        if score is None:
            bad.append(Quarantined(FeedKind.EPSS, source, f"row {number}", problem))
            continue
        seen.add(score.cve)
        scores.append(score)
    return tuple(scores), tuple(bad)


def _one_row(line: str, delimiter: str, day: date, model: str) -> tuple[str, EpssScore | None]:
    parts = [p.strip() for p in line.split(delimiter)]
    if len(parts) != 3:
        return f"expected 3 columns, found {len(parts)}", None
    cve, epss_text, pct_text = parts
    if not CVE_RE.fullmatch(cve):
        return f"{cve[:40]!r} is not a CVE id", None
    try:
        epss, pct = float(epss_text), float(pct_text)
    except ValueError:
        return (
            f"{cve}: score {epss_text[:20]!r} / percentile {pct_text[:20]!r} is not a number",
            None,
        )
    if not (_probabilities([epss]) and _probabilities([pct])):
        return f"{cve}: score {epss} / percentile {pct} outside 0..1", None
    return "", EpssScore(cve, epss, pct, day, model)


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Hundreds of thousands of small frozen objects: the cyclic GC would rescan them many times.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


register(EpssReader())
