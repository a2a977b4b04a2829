"""Database access for services: one engine per URL, one transaction per user action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from hemostat.config import Settings, get_settings
from hemostat.errors import StorageError
from hemostat.store import db


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    return db.make_engine(url)


def engine_for(settings: Settings | None = None) -> Engine:
    return _engine((settings or get_settings()).resolved_database_url())


def upgrade_database(*, settings: Settings | None = None, revision: str = "head") -> str | None:
    """Run migrations; returns the revision the database is at afterwards."""
    engine = engine_for(settings)
    try:
        db.upgrade(engine, revision)
        return db.current_revision(engine)
    except OperationalError as exc:
        raise StorageError(
            f"cannot reach the database: {exc.orig}",
            location=engine.url.render_as_string(hide_password=True),
            hint="check HEMOSTAT_DATABASE_URL",
        ) from None


def _ensure_schema(engine: Engine) -> None:
    """The embedded SQLite database migrates itself; PostgreSQL waits for `hemostat db upgrade`."""
    current = db.current_revision(engine)
    head = db.head_revision(engine)
    if current == head:
        return
    if engine.dialect.name == "sqlite":
        db.upgrade(engine)
        return
    raise StorageError(
        f"database schema is at {current or 'nothing'}, this Hemostat needs {head}",
        location=engine.url.render_as_string(hide_password=True),
        hint="run `hemostat db upgrade`",
        code="schema_outdated",
    )


_checked: set[str] = set()


@contextmanager
def unit_of_work(settings: Settings | None = None) -> Iterator[Session]:
    """A session whose work commits on success and rolls back entirely on any error."""
    engine = engine_for(settings)
    key = str(engine.url)
    try:
        if key not in _checked:
            _ensure_schema(engine)
            _checked.add(key)
        session = Session(engine, expire_on_commit=False)
    except OperationalError as exc:
        raise StorageError(
            f"cannot open the database: {exc.orig}",
            location=engine.url.render_as_string(hide_password=True),
            hint="check HEMOSTAT_DATABASE_URL and that the database server is running",
        ) from None
    try:
        yield session
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StorageError(f"database error: {exc.__class__.__name__}: {exc}") from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
