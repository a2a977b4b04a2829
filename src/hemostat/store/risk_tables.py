"""Risk answers: MITRE rubric answers and risk context, once per (product, scope), append-only.

A scope is ``product``, ``interface:<name>``, ``component:<identity>`` or ``vulnerability:<id>``
(the last one for per-vulnerability facts such as the day the manufacturer learned of it). Rows
are only inserted; the latest row of a (product, scope, question) is the answer in force and the
earlier ones are its history. No foreign keys: answers outlive products and SBOMs, like decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hemostat.store.tables import Base


class RiskAnswerRow(Base):
    __tablename__ = "risk_answers"
    __table_args__ = (Index("ix_risk_answers_product_scope", "product", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(2048))
    question: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    product: str
    scope: str
    question: str
    answer: str
    author: str
    at: datetime


def insert_answers(
    s: Session, *, product: str, scope: str, answers: dict[str, str], author: str
) -> list[StoredAnswer]:
    """Append one row per answer (never updates); returns what was written."""
    at = datetime.now(UTC)
    rows = [
        {"product": product, "scope": scope, "question": q, "answer": a, "author": author, "at": at}
        for q, a in sorted(answers.items())
    ]
    if rows:
        s.execute(insert(RiskAnswerRow), rows)
    return [StoredAnswer(**r) for r in rows]  # type: ignore[arg-type]


def _stored(row: RiskAnswerRow) -> StoredAnswer:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)  # SQLite drops the zone
    return StoredAnswer(row.product, row.scope, row.question, row.answer, row.author, at)


def history_of(s: Session, product: str, scopes: Sequence[str] | None = None) -> list[StoredAnswer]:
    """Every answer row of the product (optionally some scopes), oldest first."""
    q = select(RiskAnswerRow).where(RiskAnswerRow.product == product)
    if scopes is not None:
        q = q.where(RiskAnswerRow.scope.in_(list(scopes)))
    return [_stored(r) for r in s.scalars(q.order_by(RiskAnswerRow.id))]


def latest_answers(s: Session, product: str) -> dict[str, dict[str, StoredAnswer]]:
    """scope -> question -> the answer in force (the latest row wins)."""
    out: dict[str, dict[str, StoredAnswer]] = {}
    for a in history_of(s, product):
        out.setdefault(a.scope, {})[a.question] = a
    return out
