"""Analysis records (append-only, hash-chained) and the conflicting attempts writers lost.

No foreign keys: a decision outlives its product row, release and SBOM (never lost). The
repository offers insert and select only; nothing here is ever updated or deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hemostat.store.tables import Base


class AnalysisRecordRow(Base):
    __tablename__ = "analysis_records"
    __table_args__ = (
        UniqueConstraint("key_hash", "sequence", name="uq_analysis_records_key_sequence"),
        UniqueConstraint("chain_previous", name="uq_analysis_records_chain_previous"),
        Index("ix_analysis_records_product", "product"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))  # sha256(product, identity, vulnerability)
    product: Mapped[str] = mapped_column(String(200))
    release: Mapped[str] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(2048))
    bom_ref: Mapped[str] = mapped_column(String(2048))
    vuln_id: Mapped[str] = mapped_column(String(255))
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    justification: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[list[Any]] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str] = mapped_column(String(1000))
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    chain_previous: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))


class AnalysisConflictRow(Base):
    """A write that lost a race (or named a stale sequence): kept with everything it tried."""

    __tablename__ = "analysis_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    product: Mapped[str] = mapped_column(String(200))
    release: Mapped[str] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(2048))
    vuln_id: Mapped[str] = mapped_column(String(255))
    expected_sequence: Mapped[int | None] = mapped_column(Integer)
    found_sequence: Mapped[int] = mapped_column(Integer)
    attempt: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
