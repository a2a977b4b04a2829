"""W6 child: ``python bench/w6_events.py SCALE EVENTS`` prints one JSON line.

A new advisory (or a new KEV entry naming one) → the SBOMs it affects → their devices. Per event:
``VulnIndex.keys_of(vuln)``, an inverse index key → (SBOM, components) built here with the key
spelling of ``services.feed_impact.component_keys``, then ``match.run.run`` over only those
components (plus the SBOM's CPE-bearing components when a configuration needs a platform) against
an index of the one record, and the devices of the SBOMs that got a finding. In memory, no DB.
The KEV row re-runs the bundled KEV catalog: each CVE is mapped (seeded) to one fleet advisory.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fleet_gen
from hemostat.domain.component import Component
from hemostat.domain.vulnerability import Vulnerability
from hemostat.match.index import VulnIndex
from hemostat.match.run import run
from hemostat.services.feed_bundle import read_manifest, read_set
from hemostat.services.feed_impact import component_keys


class Fleetwide:
    """The inverse index and the device map an event is answered from."""

    def __init__(self, fleet: fleet_gen.Fleet) -> None:
        inverse: dict[str, dict[int, list[Component]]] = defaultdict(lambda: defaultdict(list))
        self.platforms: list[tuple[Component, ...]] = []
        for s, comps in enumerate(fleet.sboms):
            for c in comps:
                for key in component_keys(c.purl, c.cpes):
                    inverse[key][s].append(c)
            self.platforms.append(tuple(c for c in comps if c.cpes))
        self.inverse = {k: dict(v) for k, v in inverse.items()}
        self.devices = Counter(fleet.devices)

    def affected(self, vuln: Vulnerability) -> tuple[int, int]:
        """(SBOMs with a finding for ``vuln``, devices running them)."""
        candidates: dict[int, list[Component]] = defaultdict(list)
        for key in VulnIndex.keys_of(vuln):
            for s, comps in self.inverse.get(key, {}).items():
                candidates[s].extend(comps)
        if not candidates:
            return 0, 0
        index = VulnIndex.build((vuln,))
        platform = any(len(c.nodes) > 1 for c in vuln.configurations)
        hit = []
        for s, comps in candidates.items():
            pool = list(dict.fromkeys([*comps, *self.platforms[s]])) if platform else comps
            if run(pool, index).findings:
                hit.append(s)
        return len(hit), sum(self.devices[s] for s in hit)


def _kev_cves() -> list[str]:
    entry = next(e for e in read_manifest().sets if e.name == "kev")
    return [k.cve for k in read_set(entry).kev]


def measure(scale: float, events: int) -> dict[str, Any]:
    gc.disable()
    fleet = fleet_gen.load(scale)
    t0 = time.perf_counter()
    wide = Fleetwide(fleet)
    inverse_s = time.perf_counter() - t0
    gc.collect()
    gc.freeze()
    rnd = random.Random(11)
    sample = rnd.sample(fleet.advisories, events)
    lat, sboms, devices = [], 0, 0
    for vuln in sample:
        t1 = time.perf_counter()
        n_sboms, n_devices = wide.affected(vuln)
        lat.append(time.perf_counter() - t1)
        sboms, devices = sboms + n_sboms, devices + n_devices
    lat.sort()
    kev = _kev_cves()
    mapped = dict(zip(kev, rnd.sample(fleet.advisories, len(kev)), strict=True))
    t2 = time.perf_counter()
    kev_hits = [wide.affected(v) for v in mapped.values()]
    kev_s = time.perf_counter() - t2
    return {
        "scale": scale,
        "events": events,
        "inverse_s": inverse_s,
        "inverse_keys": len(wide.inverse),
        "p50_ms": statistics.median(lat) * 1e3,
        "p99_ms": lat[int(0.99 * (len(lat) - 1))] * 1e3,
        "max_ms": lat[-1] * 1e3,
        "mean_sboms": sboms / events,
        "mean_devices": devices / events,
        "kev_cves": len(kev),
        "kev_s": kev_s,
        "kev_hitting": sum(1 for s, _ in kev_hits if s),
        "kev_devices": sum(d for _, d in kev_hits),
    }


def main(argv: list[str]) -> int:
    scale, events = float(argv[1]), int(argv[2]) if len(argv) > 2 else 1000
    try:
        out = measure(scale, events)
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
