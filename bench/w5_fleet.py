"""W5 + W7 child: ``python bench/w5_fleet.py SCALE [PASSES]`` prints one JSON line.

W5: load the synthetic fleet (``fleet_gen``), build ``VulnIndex`` over its advisories, then
re-evaluate every SBOM with ``hemostat.match.run.run`` (PASSES times: the first pass starts with
cold version/range caches). The GC is frozen after loading and paused during the timed work, as
``services.scan`` does. Peak RSS is this process's ``ru_maxrss``.
W7: findings stored per (SBOM, component, vulnerability) against per device (arithmetic).
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fleet_gen
from hemostat.match.index import VulnIndex
from hemostat.match.ranges import compile_range
from hemostat.match.run import run


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pass(fleet: fleet_gen.Fleet, index: VulnIndex) -> tuple[float, list[int], int]:
    """(seconds, findings per SBOM, skipped) of one re-evaluation of the whole fleet."""
    per_sbom, skipped = [], 0
    t0 = time.perf_counter()
    for comps in fleet.sboms:
        result = run(comps, index)
        per_sbom.append(len(result.findings))
        skipped += len(result.skipped)
    return time.perf_counter() - t0, per_sbom, skipped


def _kernel_seconds(fleet: fleet_gen.Fleet, index: VulnIndex) -> float:
    """The kernel-like components alone (Debian ``linux``, CPE ``linux_kernel``): a split."""
    t0 = time.perf_counter()
    for comps in fleet.sboms:
        run([c for c in comps if c.bom_ref == "kernel"], index)
    return time.perf_counter() - t0


def measure(scale: float, passes: int) -> dict[str, Any]:
    gc.disable()
    t0 = time.perf_counter()
    fleet = fleet_gen.load(scale)
    load_s = time.perf_counter() - t0
    builds = []
    for _ in range(3 if scale < 0.5 else 1):
        t0 = time.perf_counter()
        index = VulnIndex.build(fleet.advisories)
        builds.append(time.perf_counter() - t0)
    gc.collect()
    gc.freeze()  # the loaded intel is long-lived: keep it out of every later collection
    runs = [_pass(fleet, index) for _ in range(passes)]
    per_sbom = runs[0][1]
    by_device = sum(per_sbom[s] for s in fleet.devices)
    ranges = sum(len(p.ranges) for v in fleet.advisories for p in v.packages)
    ranges += sum(
        len(n.matches) for v in fleet.advisories for c in v.configurations for n in c.nodes
    )
    info = compile_range.cache_info()
    return {
        "scale": scale,
        "advisories": len(fleet.advisories),
        "ranges": ranges,
        "sboms": len(fleet.sboms),
        "rows": fleet.rows,
        "devices": len(fleet.devices),
        "load_s": load_s,
        "build_s": statistics.median(builds),
        "run_s": [r[0] for r in runs],
        "kernel_s": _kernel_seconds(fleet, index),
        "findings": sum(per_sbom),
        "skipped": runs[0][2],
        "findings_per_device": by_device,
        "rss_mib": _rss_mib(),
        "compile_range_cache": {"hits": info.hits, "misses": info.misses, "max": info.maxsize},
        "sbom_devices": Counter(fleet.devices).most_common(1)[0][1],
    }


def main(argv: list[str]) -> int:
    scale, passes = float(argv[1]), int(argv[2]) if len(argv) > 2 else 2
    try:
        out = measure(scale, passes)
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
