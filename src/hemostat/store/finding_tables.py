"""Findings tables: one row per (SBOM, component, vulnerability) — never per device — and one
analysis row per SBOM recording when it was matched, against which feed snapshots, and what
could not be matched.

Re-analysing an SBOM replaces its rows in one transaction. A fleet of 10,000 devices running one
release shares that release's SBOM, so its findings are stored once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hemostat.store.tables import Base


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint(
            "sbom_id", "component_id", "vuln_id", name="uq_findings_sbom_component_vuln"
        ),
        Index("ix_findings_vuln_id", "vuln_id"),
        Index("ix_findings_component_id", "component_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sbom_id: Mapped[int] = mapped_column(ForeignKey("sboms.id", ondelete="CASCADE"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id", ondelete="CASCADE"))
    vuln_id: Mapped[str] = mapped_column(String(255))
    aliases: Mapped[list[Any]] = mapped_column(JSON)
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    kev: Mapped[bool] = mapped_column(Boolean)
    epss: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)  # the rest of the finding, as JSON


class AnalysisRow(Base):
    """The latest analysis of one SBOM revision."""

    __tablename__ = "sbom_analyses"

    sbom_id: Mapped[int] = mapped_column(
        ForeignKey("sboms.id", ondelete="CASCADE"), primary_key=True
    )
    analyzed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    feeds: Mapped[dict[str, Any]] = mapped_column(JSON)  # feed -> snapshot date (ISO)
    findings: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)  # severity -> findings
    skipped: Mapped[list[Any]] = mapped_column(JSON)
