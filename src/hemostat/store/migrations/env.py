"""Alembic environment: the engine is handed in by hemostat.store.db (never read from a file)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from hemostat.store.tables import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only reachable through the alembic CLI
    raise RuntimeError("run migrations through `hemostat db upgrade`")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
