"""Real databases: every integration test runs on SQLite and on PostgreSQL.

PostgreSQL: 127.0.0.1:5432, user postgres, trust auth (HEMOSTAT_TEST_PG_URL overrides). Without a
server the PostgreSQL variants skip locally; with CI=true they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from hemostat.config import Settings
from hemostat.services import uow


def _feed_tables() -> list[str]:
    from hemostat.store import feed_tables, finding_tables  # noqa: PLC0415

    return sorted(
        {t.name for mod in (feed_tables, finding_tables) for t in mod.Base.metadata.sorted_tables}
        - {"products", "releases", "sboms", "components", "dependencies", "sbom_enrichments"}
    )


FEED_TABLES = _feed_tables()
PG_ADMIN = os.environ.get(
    "HEMOSTAT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _pg_database(worker: str) -> str:
    """Create (once per xdist worker) a private database and return its URL."""
    # The pid keeps concurrent test runs on one server (two checkouts, two sessions) apart.
    name = f"hemostat_test_{worker}_{os.getpid()}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {exc.orig}")
        pytest.skip(
            f"PostgreSQL not reachable at {PG_ADMIN} ({exc.orig}); set CI=true to require it"
        )
    finally:
        admin.dispose()
    return sa.engine.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> Iterator[str]:
    url = _pg_database(worker_id)
    uow.upgrade_database(settings=Settings(database_url=url))
    yield url
    uow.engine_for(Settings(database_url=url)).dispose()
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = sa.engine.make_url(url).database
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings pointing at an empty, migrated database of each kind."""
    if request.param == "sqlite":
        s = Settings(database_url=f"sqlite:///{tmp_path / 'hemostat.db'}")
        uow.upgrade_database(settings=s)
        yield s
        uow.engine_for(s).dispose()
        return
    url = request.getfixturevalue("pg_url")
    s = Settings(database_url=url)
    yield s
    engine = uow.engine_for(s)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "TRUNCATE sbom_enrichments, dependencies, components, sboms, releases, products, "
                + ", ".join(FEED_TABLES)
                + " RESTART IDENTITY CASCADE"
            )
        )
