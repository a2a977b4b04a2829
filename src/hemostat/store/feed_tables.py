"""Feed store tables: one row per feed (a source family such as ``osv:PyPI``), its records,
the (key -> vulnerability) index used for fleet lookups, and what could not be read.

Advisories are kept as one compact serialized record (msgpack of the domain dataclass) plus the
few columns queries need; KEV and EPSS are plain columns (EPSS is the big one: ~360k rows)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hemostat.store.tables import Base


class FeedRow(Base):
    """A feed family and the snapshot it currently holds."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # "kev", "osv:PyPI", "nvd" ...
    kind: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))  # bundled | imported | synced
    source: Mapped[str] = mapped_column(String(2000))
    snapshot: Mapped[date] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    records: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[list[Any]] = mapped_column(JSON)
    sha256: Mapped[str | None] = mapped_column(String(64))
    licence: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    cursor: Mapped[str | None] = mapped_column(String(100))  # NVD: lastModEndDate reached


class VulnerabilityRow(Base):
    __tablename__ = "vulnerabilities"
    __table_args__ = (UniqueConstraint("feed_id", "vuln_id", name="uq_vulnerabilities_feed_vuln"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    vuln_id: Mapped[str] = mapped_column(String(255), index=True)
    aliases: Mapped[list[Any]] = mapped_column(JSON)
    modified: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    record: Mapped[bytes] = mapped_column(LargeBinary)


class VulnKeyRow(Base):
    """``pkg:<ecosystem>/<name>`` and ``cpe:<vendor>:<product>`` keys of each vulnerability."""

    __tablename__ = "vuln_keys"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    vuln_pk: Mapped[int] = mapped_column(
        ForeignKey("vulnerabilities.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class KevRow(Base):
    __tablename__ = "kev_entries"

    cve: Mapped[str] = mapped_column(String(32), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(500))
    product: Mapped[str] = mapped_column(String(500))
    name: Mapped[str] = mapped_column(Text)
    date_added: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    required_action: Mapped[str] = mapped_column(Text)
    ransomware: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text)
    cwes: Mapped[list[Any]] = mapped_column(JSON)


class EpssRow(Base):
    __tablename__ = "epss_scores"

    cve: Mapped[str] = mapped_column(String(32), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    epss: Mapped[float] = mapped_column(Float)
    percentile: Mapped[float] = mapped_column(Float)
    date: Mapped[date] = mapped_column(Date)
    model_version: Mapped[str] = mapped_column(String(64))


class CsafAdvisoryRow(Base):
    __tablename__ = "csaf_advisories"
    __table_args__ = (
        UniqueConstraint("feed_id", "advisory_id", name="uq_csaf_advisories_feed_advisory"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    advisory_id: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(String(500))
    current_release: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    warnings: Mapped[list[Any]] = mapped_column(JSON)
    record: Mapped[bytes] = mapped_column(LargeBinary)


class QuarantineRow(Base):
    """A record a feed reader could not use: kept with the reason, counted in the feed row."""

    __tablename__ = "feed_quarantine"
    __table_args__ = (Index("ix_feed_quarantine_feed_id", "feed_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(2000))
    record: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
