"""SBOM use cases: import, check, show, diff, export, enrich."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hemostat import report
from hemostat.assess.completeness import check as completeness_check
from hemostat.assess.completeness import report_to_dict
from hemostat.config import Settings
from hemostat.domain.component import Sbom
from hemostat.domain.diff import SbomDiff, diff
from hemostat.errors import IngestError, NotFoundError
from hemostat.ingest import support_csv
from hemostat.services.catalog import get_release
from hemostat.services.checks import paused_gc, read_file
from hemostat.services.views import ImportResult, SbomView
from hemostat.store import repositories as repo
from hemostat.store.mapping import component_to_row
from hemostat.store.tables import SbomRow

_MAX_ID_BYTES = 2048


def import_sbom(
    session: Session,
    *,
    product: str,
    release: str,
    path: Path,
    support: Path | None = None,
    settings: Settings | None = None,
) -> ImportResult:
    """Store a new revision of the release's SBOM; identical bytes change nothing."""
    rel = get_release(session, product, release)
    with paused_gc():
        sbom = read_file(path, settings=settings)
    existing = repo.sbom_by_sha(session, rel.id, sbom.sha256)
    if existing is not None:
        return ImportResult(_view(existing, product, release), created=False)
    _check_identifier_sizes(sbom, source=str(path))
    enriched = 0
    if support is not None:
        rows = support_csv.parse_support_csv(_read(support), source=str(support))
        updated, _ = support_csv.apply(rows, sbom.components)
        enriched = len(updated)
        sbom = _replace_components(sbom, updated)
    with paused_gc():
        report_dict = report_to_dict(completeness_check(sbom), components=False)
    row = repo.insert_sbom(
        session,
        release_id=rel.id,
        revision=repo.next_revision(session, rel.id),
        sbom=sbom,
        source_name=path.name,
        completeness=report_dict,
    )
    return ImportResult(_view(row, product, release), created=True, enriched=enriched)


def _replace_components(sbom: Sbom, updated: dict[str, Any]) -> Sbom:
    comps = tuple(updated.get(c.bom_ref, c) for c in sbom.components)
    return replace(sbom, components=comps)


def _check_identifier_sizes(sbom: Sbom, *, source: str) -> None:
    for c in sbom.components:
        for field, value in (("bom-ref", c.bom_ref), ("purl", c.purl), ("identity", c.identity)):
            if value and len(value.encode()) > _MAX_ID_BYTES:
                raise IngestError(
                    f"{field} of component {c.name!r} is {len(value.encode())} bytes",
                    file=source,
                    location=f"component {c.bom_ref[:80]!r}",
                    hint=f"identifiers are limited to {_MAX_ID_BYTES} bytes",
                    code="field_too_large",
                )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", file=str(path), code="io") from None


def find_sbom(session: Session, *, product: str, release: str, revision: int | None) -> SbomRow:
    rel = get_release(session, product, release)
    row = repo.sbom_revision(session, rel.id, revision)
    if row is None:
        what = f"revision {revision}" if revision else "any SBOM"
        raise NotFoundError(
            f"{product} {release} has no {what}",
            hint=f"import one with `sbom import {product} {release} FILE`",
        )
    return row


def load(session: Session, *, product: str, release: str, revision: int | None = None) -> Sbom:
    return repo.load_sbom(
        session, find_sbom(session, product=product, release=release, revision=revision)
    )


def show(
    session: Session, *, product: str, release: str, revision: int | None = None
) -> tuple[SbomView, Sbom]:
    row = find_sbom(session, product=product, release=release, revision=revision)
    return _view(row, product, release), repo.load_sbom(session, row)


def list_revisions(session: Session, *, product: str, release: str) -> list[SbomView]:
    rel = get_release(session, product, release)
    return [_view(r, product, release) for r in repo.sboms_of(session, rel.id)]


@dataclass(frozen=True, slots=True)
class Ref:
    """``product@release[#revision]`` as typed on the command line."""

    product: str
    release: str
    revision: int | None = None


def diff_sboms(session: Session, *, before: Ref, after: Ref) -> SbomDiff:
    a = load(session, product=before.product, release=before.release, revision=before.revision)
    b = load(session, product=after.product, release=after.release, revision=after.revision)
    return diff(a.components, b.components)


def export(
    session: Session, *, product: str, release: str, fmt: str, revision: int | None = None
) -> bytes:
    return report.render(fmt, load(session, product=product, release=release, revision=revision))


def enrich(
    session: Session,
    *,
    product: str,
    release: str,
    path: Path,
    revision: int | None = None,
) -> tuple[int, list[str]]:
    """Apply a support side-file to a stored revision; returns (components updated, unmatched)."""
    row = find_sbom(session, product=product, release=release, revision=revision)
    data = _read(path)
    rows = support_csv.parse_support_csv(data, source=str(path))
    sbom = repo.load_sbom(session, row)
    updated, unmatched = support_csv.apply(rows, sbom.components)
    ids = {c.bom_ref: c.id for c in repo.component_rows(session, row.id)}
    for ref, comp in updated.items():
        values = component_to_row(comp)
        repo.update_support(
            session,
            ids[ref],
            {k: values[k] for k in ("level_of_support", "end_of_support", "support_note")},
        )
    new = _replace_components(sbom, updated)
    row.completeness = report_to_dict(completeness_check(new), components=False)
    unmatched_desc = [f"line {r.line}: {r.match}" for r in unmatched]
    repo.add_enrichment(
        session,
        sbom_id=row.id,
        source_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        raw=data,
        applied=len(updated),
        unmatched=unmatched_desc,
    )
    return len(updated), unmatched_desc


def _view(row: SbomRow, product: str, release: str) -> SbomView:
    return SbomView(
        product=product,
        release=release,
        revision=row.revision,
        format=row.format,
        spec_version=row.spec_version,
        sha256=row.sha256,
        source_name=row.source_name,
        component_count=row.component_count,
        imported_at=row.imported_at,
        serial=row.serial,
        timestamp=row.timestamp,
        warnings=tuple(row.warnings),
        completeness=dict(row.completeness or {}),
    )
