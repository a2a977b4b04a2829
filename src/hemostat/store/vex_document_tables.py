"""Imported VEX documents, kept verbatim: the evidence a supplier decision cites (Part 11).

One row per distinct document (sha256 unique): importing the same bytes again reuses the row.
Rows are only inserted; decisions cite a document by its sha256 in their reason and origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hemostat.store.tables import Base


class VexDocumentRow(Base):
    __tablename__ = "vex_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[str] = mapped_column(String(1000))
    publisher: Mapped[str] = mapped_column(String(500))
    source_name: Mapped[str] = mapped_column(String(1000))
    statements: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    imported_by: Mapped[str] = mapped_column(String(500))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class StoredVexDocument:
    sha256: str
    format: str
    doc_id: str
    publisher: str
    source_name: str
    statements: int
    size: int
    imported_by: str
    imported_at: datetime


def keep(s: Session, row: VexDocumentRow) -> tuple[StoredVexDocument, bool]:
    """Store the document unless the same bytes are already stored; (document, newly stored)."""
    found = s.scalar(select(VexDocumentRow).where(VexDocumentRow.sha256 == row.sha256))
    if found is not None:
        return stored(found), False
    s.add(row)
    s.flush()
    return stored(row), True


def documents(s: Session) -> list[StoredVexDocument]:
    return [stored(r) for r in rows(s)]


def rows(s: Session) -> list[VexDocumentRow]:
    """Every stored document with its bytes, oldest first."""
    return list(s.scalars(select(VexDocumentRow).order_by(VexDocumentRow.id)))


def by_digest(s: Session, prefix: str) -> list[VexDocumentRow]:
    """The documents whose sha256 starts with ``prefix`` (lower-case hex)."""
    query = select(VexDocumentRow).where(VexDocumentRow.sha256.startswith(prefix))
    return list(s.scalars(query.order_by(VexDocumentRow.id)))


def stored(row: VexDocumentRow) -> StoredVexDocument:
    at = row.imported_at if row.imported_at.tzinfo else row.imported_at.replace(tzinfo=UTC)
    return StoredVexDocument(
        row.sha256,
        row.format,
        row.doc_id,
        row.publisher,
        row.source_name,
        row.statements,
        len(row.raw),
        row.imported_by,
        at,
    )
