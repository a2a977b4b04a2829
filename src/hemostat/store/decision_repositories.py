"""Insert and select analysis records. There is deliberately no update or delete here."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.domain.decision import GENESIS, AnalysisRecord
from hemostat.store.decision_tables import AnalysisConflictRow, AnalysisRecordRow


def key_hash(product: str, identity: str, vulnerability: str) -> str:
    return hashlib.sha256(f"{product}\0{identity}\0{vulnerability}".encode()).hexdigest()


def latest_of_key(s: Session, key: str) -> AnalysisRecordRow | None:
    q = (
        select(AnalysisRecordRow)
        .where(AnalysisRecordRow.key_hash == key)
        .order_by(AnalysisRecordRow.sequence.desc())
        .limit(1)
    )
    return s.scalars(q).first()


def chain_head(s: Session) -> str:
    """The table-wide chain hash of the last inserted record (GENESIS when empty)."""
    q = select(AnalysisRecordRow.chain_hash).order_by(AnalysisRecordRow.id.desc()).limit(1)
    return s.scalar(q) or GENESIS


def insert_record(
    s: Session, r: AnalysisRecord, *, key: str, chain_previous: str, chain_hash: str
) -> None:
    s.execute(
        insert(AnalysisRecordRow).values(
            key_hash=key,
            product=r.product,
            release=r.release,
            identity=r.identity,
            bom_ref=r.bom_ref,
            vuln_id=r.vulnerability,
            sequence=r.sequence,
            status=r.status.value,
            justification=r.justification.value if r.justification else None,
            response=[x.value for x in r.response],
            detail=r.detail,
            author=r.author,
            reason=r.reason,
            at=r.at,
            origin=r.origin,
            previous_hash=r.previous_hash,
            hash=r.hash,
            chain_previous=chain_previous,
            chain_hash=chain_hash,
        )
    )


def insert_conflict(s: Session, **values: Any) -> None:
    s.execute(insert(AnalysisConflictRow).values(**values))


def records_of_product(s: Session, product: str) -> Sequence[AnalysisRecordRow]:
    q = select(AnalysisRecordRow).where(AnalysisRecordRow.product == product)
    return s.scalars(q.order_by(AnalysisRecordRow.id)).all()


def all_records(s: Session) -> Sequence[AnalysisRecordRow]:
    return s.scalars(select(AnalysisRecordRow).order_by(AnalysisRecordRow.id)).all()


def conflicts_of(s: Session, key: str) -> Sequence[AnalysisConflictRow]:
    q = select(AnalysisConflictRow).where(AnalysisConflictRow.key_hash == key)
    return s.scalars(q.order_by(AnalysisConflictRow.id)).all()


def count_records(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(AnalysisRecordRow)) or 0)


def _aware(ts: datetime) -> datetime:
    # SQLite drops the zone; PostgreSQL answers in the session's zone: hashes need UTC.
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def record_from_row(row: AnalysisRecordRow) -> AnalysisRecord:
    return AnalysisRecord(
        release=row.release,
        identity=row.identity,
        bom_ref=row.bom_ref,
        vulnerability=row.vuln_id,
        status=VexStatus(row.status),
        justification=Justification(row.justification) if row.justification else None,
        response=tuple(Response(x) for x in row.response),
        detail=row.detail,
        author=row.author,
        reason=row.reason,
        at=_aware(row.at),
        sequence=row.sequence,
        previous_hash=row.previous_hash,
        hash=row.hash,
        origin=row.origin,
    )
