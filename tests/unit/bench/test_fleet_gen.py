"""The fleet generator of the matching benchmarks (bench/fleet_gen.py): deterministic, the
requested counts, and advisories that Hemostat's matcher finds exactly where they say."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hemostat.domain.component import Component
from hemostat.domain.vulnerability import Vulnerability
from hemostat.match.index import VulnIndex
from hemostat.match.run import run

BENCH = Path(__file__).resolve().parents[3] / "bench"
SCALE = 0.02  # 5,000 advisories, 3 SBOMs, ~3,500 component rows, 300 devices


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("fleet_gen", BENCH / "fleet_gen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fleet_gen"] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fleet(gen: ModuleType) -> Any:
    return gen.generate(SCALE, seed=3)


def test_same_seed_same_fleet_other_seed_differs(gen: ModuleType, fleet: Any) -> None:
    assert gen.generate(SCALE, seed=3) == fleet
    assert gen.generate(SCALE, seed=4).advisories != fleet.advisories


def test_counts_follow_the_scale(gen: ModuleType, fleet: Any) -> None:
    f = fleet
    assert len(f.advisories) == 5_000
    assert len(f.sboms) == 3
    assert len(f.devices) == 300
    assert abs(f.rows - 176_000 * SCALE) <= 10  # + kernels, rounding
    assert set(f.devices) <= {0, 1, 2}
    ecosystems = {p.ecosystem for v in f.advisories for p in v.packages}
    assert ecosystems == {"npm", "Maven", "PyPI", "Go", "crates.io", "Debian:12"}
    nvd = [v for v in f.advisories if v.configurations]
    assert 0.1 < len(nvd) / 5_000 < 0.2
    assert any(len(c.nodes) == 2 for v in nvd for c in v.configurations)  # "running on" Linux
    kernel = [v for v in f.advisories if any(p.name == "linux" for p in v.packages)]
    assert 0.04 < len(kernel) / 5_000 < 0.08


def _single_range(advisories: tuple[Vulnerability, ...], eco: str) -> Vulnerability:
    return next(
        v
        for v in advisories
        if v.packages
        and v.packages[0].ecosystem == eco
        and len(v.packages[0].ranges) == 1
        and not v.packages[0].versions
        and v.packages[0].ranges[0].events[0].version != "0"
    )


def _found(vuln: Vulnerability, component: Component) -> bool:
    result = run([component], VulnIndex.build([vuln]))
    assert not result.skipped
    ids = {f.vulnerability for f in result.findings} | {
        a for f in result.findings for a in f.aliases
    }
    return vuln.id in ids


@pytest.mark.parametrize("eco", ["npm", "Maven", "PyPI", "Go", "crates.io", "Debian:12"])
def test_osv_advisory_matches_from_introduced_until_fixed(
    gen: ModuleType, fleet: Any, eco: str
) -> None:
    vuln = _single_range(fleet.advisories, eco)
    pkg = vuln.packages[0]
    intro, fixed = (e.version for e in pkg.ranges[0].events)
    base = eco.split(":", maxsplit=1)[0]

    def comp(v: str) -> Component:
        return Component("c", pkg.name, version=v, purl=gen.purl_for(base, pkg.name, v))

    assert _found(vuln, comp(intro))
    assert not _found(vuln, comp(fixed))


def test_nvd_record_matches_the_firmware_cpe_within_its_bounds(gen: ModuleType, fleet: Any) -> None:
    vuln = next(
        v
        for v in fleet.advisories
        if len(v.configurations) == 1
        and len(v.configurations[0].nodes) == 1
        and len(v.configurations[0].nodes[0].matches) == 1
    )
    match = vuln.configurations[0].nodes[0].matches[0]
    product = ":".join(match.criteria.split(":")[2:5])
    assert _found(vuln, gen._firmware("fw", product, match.version_start_including))
    assert not _found(vuln, gen._firmware("fw", product, match.version_end_excluding))


def test_fleet_sboms_get_findings_from_the_fleet_advisories(fleet: Any) -> None:
    index = VulnIndex.build(fleet.advisories)
    known = {i for v in fleet.advisories for i in (v.id, *v.aliases)}
    result = run(fleet.sboms[0], index)
    assert len(result.findings) > 50
    assert {f.vulnerability for f in result.findings} <= known
    assert not result.skipped
