"""Child process for the Persist workload: ``python bench/persist.py URL FILE RUNS``.

Imports one SBOM through the real service (``unit_of_work`` → ``sboms.import_sbom``) into a fresh
release per run and reports the whole import and the DB write alone: ``repositories.insert_sbom``
plus the commit. Prints ``{"total": [...], "db_write": [...], "count": N}`` or ``{"error": ...}``.
PostgreSQL URLs get a scratch database (created here, dropped afterwards).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCRATCH_DB = "hemostat_bench"


class _Clock:
    """Accumulates the time spent inside one wrapped function."""

    def __init__(self) -> None:
        self.spent = 0.0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - t0

        return timed


@contextmanager
def scratch_database(url: str, name: str = SCRATCH_DB) -> Iterator[str]:
    """SQLite: the URL as is (file removed first). PostgreSQL: a fresh database ``name``."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).unlink(missing_ok=True)
        yield url
        return
    import psycopg  # noqa: PLC0415

    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:  # FORCE also ends the benchmark's own pooled connections
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(url: str, path: Path, runs: int) -> dict[str, Any]:
    from hemostat.config import Settings  # noqa: PLC0415
    from hemostat.services import catalog, sboms, uow  # noqa: PLC0415
    from hemostat.store import repositories  # noqa: PLC0415

    settings = Settings(database_url=url)
    uow.upgrade_database(settings=settings)
    with uow.unit_of_work(settings) as s:
        catalog.add_product(s, key="bench-pump", name="Bench pump", manufacturer="Bench Medical")
        for k in range(runs):
            catalog.add_release(s, product="bench-pump", version=f"1.{k}")
    clock = _Clock()
    repositories.insert_sbom = clock.wrap(repositories.insert_sbom)
    totals, writes, count = [], [], 0
    for k in range(runs):
        clock.spent = 0.0
        with uow.unit_of_work(settings) as s:
            t0 = time.perf_counter()
            result = sboms.import_sbom(
                s, product="bench-pump", release=f"1.{k}", path=path, settings=settings
            )
            t1 = time.perf_counter()
        t2 = time.perf_counter()
        totals.append(t2 - t0)
        writes.append(clock.spent + (t2 - t1))
        count = result.sbom.component_count
    return {"total": totals, "db_write": writes, "count": count}


def main(argv: list[str]) -> int:
    url, path, runs = argv[1], Path(argv[2]), int(argv[3])
    try:
        with scratch_database(url) as real_url:
            out = _run(real_url, path, runs)
    except Exception as exc:
        name = type(exc).__name__
        out = {
            "error": f"{name}: {exc}"[:300],
            "unavailable": isinstance(exc, ImportError) or name == "FormatNotRecognized",
        }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
