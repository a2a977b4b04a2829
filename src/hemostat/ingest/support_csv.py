"""The support side-file: level of support / end of support for components, as CSV.

Columns (header required, exact): match,level_of_support,end_of_support,support_note
``match`` is a purl (with or without version), a CPE 2.3 name, ``name@version`` or ``name``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

from hemostat.domain.component import Component, SupportLevel
from hemostat.domain.purl import PurlError, normalize_purl
from hemostat.errors import IngestError
from hemostat.ingest.common import parse_eos, parse_level

HEADER = ("match", "level_of_support", "end_of_support", "support_note")


@dataclass(frozen=True, slots=True)
class SupportRow:
    line: int
    match: str
    level: SupportLevel | None
    eos: date | None
    note: str | None


def parse_support_csv(data: bytes, *, source: str) -> list[SupportRow]:
    """Parse the whole file or raise naming the first bad line (nothing is applied then)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not UTF-8 (byte {exc.start})", file=source, code="invalid_encoding"
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = tuple(h.strip().lower() for h in next(reader, []))
    if header != HEADER:
        raise IngestError(
            f"header is {','.join(header) or '(empty)'}",
            file=source,
            location="line 1",
            hint="the first line must be exactly: " + ",".join(HEADER),
            code="bad_header",
        )
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        rows.append(_row(cells, line=line, source=source))
    return rows


def _row(cells: list[str], *, line: int, source: str) -> SupportRow:
    if len(cells) != len(HEADER):
        raise IngestError(
            f"{len(cells)} columns, expected {len(HEADER)}",
            file=source,
            location=f"line {line}",
            hint="quote values that contain commas",
            code="bad_row",
        )
    match, level_s, eos_s, note = (c.strip() for c in cells)
    if not match:
        raise IngestError(
            "empty match column", file=source, location=f"line {line}", code="bad_row"
        )
    level = parse_level(level_s) if level_s else None
    if level_s and level is None:
        allowed = ", ".join(s.value for s in SupportLevel)
        raise IngestError(
            f"level_of_support {level_s!r} is not one of {allowed}",
            file=source,
            location=f"line {line}, column level_of_support",
            code="bad_value",
        )
    eos = parse_eos(eos_s) if eos_s else None
    if eos_s and eos is None:
        raise IngestError(
            f"end_of_support {eos_s!r} is not a date",
            file=source,
            location=f"line {line}, column end_of_support",
            hint="write YYYY-MM-DD, or leave it empty and explain in support_note",
            code="bad_value",
        )
    return SupportRow(line, match, level, eos, note or None)


def row_matches(row: SupportRow, c: Component) -> bool:
    m = row.match
    if m.startswith("pkg:"):
        if not c.purl:
            return False
        try:
            want = normalize_purl(m)
        except PurlError:
            return False
        has_version = "@" in want.rsplit("/", 1)[-1]
        mine = c.purl.split("?", 1)[0].split("#", 1)[0]
        return mine == want if has_version else c.identity == "purl:" + want
    if m.startswith("cpe:"):
        return any(_cpe_match(m, cpe) for cpe in c.cpes)
    name, _, version = m.rpartition("@") if "@" in m else (m, "", "")
    if c.name.lower() != name.lower():
        return False
    return not version or c.version == version


def _cpe_match(pattern: str, cpe: str) -> bool:
    a, b = pattern.lower().split(":"), cpe.lower().split(":")
    return all(x in ("*", "") or x == y for x, y in zip(a, b, strict=False))


def apply(
    rows: list[SupportRow], components: tuple[Component, ...]
) -> tuple[dict[str, Component], list[SupportRow]]:
    """New values for matched components (keyed by bom-ref) and the rows that matched nothing."""
    updated: dict[str, Component] = {}
    unmatched = []
    for row in rows:
        hit = False
        for c in components:
            if row_matches(row, c):
                hit = True
                cur = updated.get(c.bom_ref, c)
                updated[c.bom_ref] = replace(
                    cur,
                    level_of_support=row.level or cur.level_of_support,
                    end_of_support=row.eos or cur.end_of_support,
                    support_note=row.note or cur.support_note,
                )
        if not hit:
            unmatched.append(row)
    return updated, unmatched
