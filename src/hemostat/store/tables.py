"""SQLAlchemy 2 tables. Rows live only here; services map them to domain values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class ProductRow(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    manufacturer: Mapped[str] = mapped_column(String(500))
    model_number: Mapped[str | None] = mapped_column(String(200))
    intended_use: Mapped[str | None] = mapped_column(Text)
    device_class: Mapped[str | None] = mapped_column(String(8))
    cyber_device: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReleaseRow(Base):
    __tablename__ = "releases"
    __table_args__ = (
        UniqueConstraint("product_id", "version", name="uq_releases_product_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(200))
    released: Mapped[date | None] = mapped_column(Date)
    support_status: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SbomRow(Base):
    __tablename__ = "sboms"
    __table_args__ = (
        UniqueConstraint("release_id", "sha256", name="uq_sboms_release_sha256"),
        UniqueConstraint("release_id", "revision", name="uq_sboms_release_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(32))
    spec_version: Mapped[str] = mapped_column(String(16))
    serial: Mapped[str | None] = mapped_column(String(500))
    doc_version: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(500))
    timestamp: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    authors: Mapped[list[Any]] = mapped_column(JSON)
    tools: Mapped[list[Any]] = mapped_column(JSON)
    supplier: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    warnings: Mapped[list[Any]] = mapped_column(JSON)
    completeness: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source_name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    component_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ComponentRow(Base):
    __tablename__ = "components"
    __table_args__ = (
        UniqueConstraint("sbom_id", "bom_ref", name="uq_components_sbom_bom_ref"),
        Index("ix_components_identity", "identity"),
        Index("ix_components_purl", "purl"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sbom_id: Mapped[int] = mapped_column(ForeignKey("sboms.id", ondelete="CASCADE"), index=True)
    bom_ref: Mapped[str] = mapped_column(String(2048))
    identity: Mapped[str] = mapped_column(String(2048))
    type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(2048))
    version: Mapped[str | None] = mapped_column(String(512))
    group: Mapped[str | None] = mapped_column(String(2048))
    supplier: Mapped[str | None] = mapped_column(String(2048))
    purl: Mapped[str | None] = mapped_column(String(2048))
    cpes: Mapped[list[Any]] = mapped_column(JSON)
    hashes: Mapped[list[Any]] = mapped_column(JSON)
    licenses: Mapped[list[Any]] = mapped_column(JSON)
    scope: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    level_of_support: Mapped[str | None] = mapped_column(String(32))
    end_of_support: Mapped[date | None] = mapped_column(Date)
    support_note: Mapped[str | None] = mapped_column(Text)
    properties: Mapped[list[Any]] = mapped_column(JSON)


class DependencyRow(Base):
    __tablename__ = "dependencies"

    sbom_id: Mapped[int] = mapped_column(
        ForeignKey("sboms.id", ondelete="CASCADE"), primary_key=True
    )
    ref: Mapped[str] = mapped_column(String(2048), primary_key=True)
    depends_on: Mapped[str] = mapped_column(String(2048), primary_key=True)


class EnrichmentRow(Base):
    """A support side-file applied to one SBOM revision (kept verbatim, like the SBOM)."""

    __tablename__ = "sbom_enrichments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sbom_id: Mapped[int] = mapped_column(ForeignKey("sboms.id", ondelete="CASCADE"), index=True)
    source_name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    applied: Mapped[int] = mapped_column(Integer)
    unmatched: Mapped[list[Any]] = mapped_column(JSON)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


from hemostat.store import (  # noqa: E402, F401
    decision_tables,
    feed_tables,
    finding_tables,
    risk_tables,
    vex_document_tables,
)
