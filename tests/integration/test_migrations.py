"""The Alembic migrations build exactly the schema the models describe, and the newest one
goes down and up again; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hemostat.config import Settings
from hemostat.services.uow import engine_for
from hemostat.store import db
from hemostat.store.tables import Base


def test_migrations_match_the_models(settings: Settings) -> None:
    engine = engine_for(settings)
    db.upgrade(engine, "head")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.mark.parametrize(
    ("below", "tables"),
    [("0003", {"analysis_records", "analysis_conflicts"}), ("0005", {"vex_documents"})],
)
def test_migration_downgrades_and_upgrades(
    settings: Settings, below: str, tables: set[str]
) -> None:
    engine = engine_for(settings)
    db.upgrade(engine, "head")
    command.downgrade(db._alembic_config(engine), below)
    assert not tables & set(sa.inspect(engine).get_table_names())
    db.upgrade(engine, "head")
    assert tables <= set(sa.inspect(engine).get_table_names())
