"""W10 child: ``python bench/w10_persist.py URL N SIZE`` prints one JSON line.

Ingest + persist N generated CycloneDX JSON SBOMs of SIZE components (``gen_sbom`` seeds 1..N,
generated before the clock starts) through the real service: one unit of work per SBOM, each
``sboms.import_sbom`` into its own release, as N device models would be imported. PostgreSQL
gets a scratch database ``hemostat_bench_w10`` (created here, dropped afterwards).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_sbom import ensure
from persist import scratch_database

SCRATCH_DB = "hemostat_bench_w10"


def _import_all(url: str, files: list[Path]) -> dict[str, Any]:
    from hemostat.config import Settings  # noqa: PLC0415
    from hemostat.services import catalog, sboms, uow  # noqa: PLC0415

    settings = Settings(database_url=url)
    uow.upgrade_database(settings=settings)
    with uow.unit_of_work(settings) as s:
        catalog.add_product(s, key="bench-fleet", name="Bench fleet", manufacturer="Bench Medical")
        for k in range(len(files)):
            catalog.add_release(s, product="bench-fleet", version=f"m{k}")
    times, components = [], 0
    t0 = time.perf_counter()
    for k, path in enumerate(files):
        t1 = time.perf_counter()
        with uow.unit_of_work(settings) as s:
            result = sboms.import_sbom(
                s, product="bench-fleet", release=f"m{k}", path=path, settings=settings
            )
        times.append(time.perf_counter() - t1)
        components += result.sbom.component_count
    total = time.perf_counter() - t0
    return {"total": total, "median": statistics.median(times), "components": components}


def main(argv: list[str]) -> int:
    url, n, size = argv[1], int(argv[2]), int(argv[3])
    try:
        files = [ensure("cdx-json", size, seed) for seed in range(1, n + 1)]
        with scratch_database(url, SCRATCH_DB) as real_url:
            out = _import_all(real_url, files)
        out["sboms"] = n
    except Exception as exc:
        name = type(exc).__name__
        out = {"error": f"{name}: {exc}"[:300], "unavailable": isinstance(exc, ImportError)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
