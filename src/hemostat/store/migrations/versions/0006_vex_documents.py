"""imported VEX documents kept verbatim

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vex_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.String(length=1000), nullable=False),
        sa.Column("publisher", sa.String(length=500), nullable=False),
        sa.Column("source_name", sa.String(length=1000), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("imported_by", sa.String(length=500), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vex_documents")),
        sa.UniqueConstraint("sha256", name=op.f("uq_vex_documents_sha256")),
    )


def downgrade() -> None:
    op.drop_table("vex_documents")
