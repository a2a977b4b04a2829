"""``CpeTable`` narrows a product's NVD records to those whose own entries can hit a version;
the matcher's answers must be the same as when every record is evaluated."""

from __future__ import annotations

import random

import pytest
from match_factories import comp, cpe, node, nvd, on_platform, platform, simple, vulnerable

from hemostat.domain.vulnerability import Configuration, Vulnerability
from hemostat.match.cpe_table import CpeTable
from hemostat.match.index import VulnIndex
from hemostat.match.run import run

VERSIONS = ("0.9", "1.0", "1.0.1", "1.1.1k", "1.2", "2.0", "2.0.0", "3.1", "v1.0", "10")
BOUNDS = ("version_start_including", "version_start_excluding", "version_end_including",
          "version_end_excluding")  # fmt: skip


def _record(rnd: random.Random, n: int) -> Vulnerability:
    version = rnd.choice(("*", "*", "-", "1.0", "2.0.0", "1.*", "not\\ a"))
    bounds = {b: rnd.choice((*VERSIONS, "", "*", "bad version")) for b in rnd.sample(BOUNDS, 2)}
    own = vulnerable(cpe("acme", "fw", version), **bounds if rnd.random() < 0.7 else {})
    if rnd.random() < 0.2:
        return on_platform(f"CVE-{n}", own, platform(cpe("acme", "os", part="o")))
    if rnd.random() < 0.2:  # the product only as a platform of another one: never its finding
        return nvd(f"CVE-{n}", Configuration((node(vulnerable(cpe("acme", "app")), own),)))
    return simple(f"CVE-{n}", own.criteria, **{b: str(getattr(own, b)) for b in bounds})


def _all(self: CpeTable, version: str | None) -> tuple[object, ...]:
    return self.entries


@pytest.mark.parametrize("seed", range(25))
def test_narrowed_records_give_the_same_outcome(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(seed)
    records = [_record(rnd, n) for n in range(40)]
    components = [
        comp(f"c{i}", version=v, cpes=(cpe("acme", "fw", "*"),))
        for i, v in enumerate((*VERSIONS, None, "", "-", "*"))
    ]
    narrowed = run(components, VulnIndex.build(records))
    monkeypatch.setattr(CpeTable, "candidates", _all)
    assert run(components, VulnIndex.build(records)) == narrowed


def test_a_version_outside_every_record_evaluates_none() -> None:
    records = [
        simple(f"CVE-{n}", cpe("acme", "fw"), version_end_excluding=f"{n}.0") for n in (2, 3)
    ]
    index = VulnIndex.build(records)
    table = index.cpe_table("acme", "fw")
    assert [e.vuln.id for e in table.candidates("2.5")] == ["CVE-3"]
    assert table.candidates("7.0") == ()
    assert len(table.candidates(None)) == 2  # no version: all, so the matcher can say so
