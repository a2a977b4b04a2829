"""Match-quality gate on real data (grype's quality gate, our ground truth).

OSV (PyPI, Go, crates.io), per advisory and package, three label sets:
* ``listed``: every version in ``versions`` must match; every ``fixed`` version must not, unless
  the same advisory also lists it or names it as ``introduced``/``last_affected``.
* ``ranges``: the same labels, matched against an index whose records had their ``versions``
  lists removed, so only the range semantics can find them (packages with ECOSYSTEM/SEMVER ranges).
* ``probes``: versions around every event (x.y.z ± 1 patch, next minor/major) labelled by an
  independent oracle: numeric x.y.z ordering (unambiguous in every ecosystem here) walked through
  the OSV events. Only packages whose events are all plain x.y.z (or "0", or RustSec's
  "x.y.z-0") take part.
Each check asks the purl matcher about ``pkg:<type>/<name>@<version>`` and looks for the advisory
id among its hits. Deterministic samples cap each set (sha1 order), at least 20k checks where the
data has them. NVD: hand-checked configuration cases from nvd-embedded-devices.

Figures are printed and compared with ``baseline.json``: any drop fails. After an improvement,
rewrite the baseline with ``HEMOSTAT_UPDATE_BASELINE=1 pytest tests/quality``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from hemostat.domain.component import Component
from hemostat.domain.purl import PurlError, build_purl
from hemostat.domain.vulnerability import AffectedPackage, RangeKind, Vulnerability
from hemostat.feeds import read_feed
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import SbomContext
from hemostat.match.purl import PurlMatcher
from hemostat.match.run import run

pytestmark = pytest.mark.slow

BASELINE = Path(__file__).with_name("baseline.json")
FEEDS = {"PyPI": "osv-pypa", "Go": "osv-golang", "crates.io": "osv-rustsec"}
CAP = 40_000
# x.y.z, and x.y.z-0 (the lowest pre-release of x.y.z: the same boundary for release probes)
_TRIPLE = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:-0)?")
_SHORT = re.compile(r"\d+(\.\d+){0,2}")
Triple = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Check:
    advisory: str
    name: str
    version: str
    affected: bool


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    skipped: int = 0

    @property
    def checks(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def figures(self) -> dict[str, float | int]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return {
            "checks": self.checks,
            "precision": round(precision, 5),
            "recall": round(recall, 5),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "skipped": self.skipped,
        }


def _packages(
    vulns: Iterable[Vulnerability], eco: str
) -> Iterator[tuple[str, str, list[AffectedPackage]]]:
    """(advisory, package name, its affected entries) for live advisories of ``eco``."""
    for v in vulns:
        if v.withdrawn is not None:
            continue
        by_name: dict[str, list[AffectedPackage]] = defaultdict(list)
        for pkg in v.packages:
            if pkg.ecosystem == eco:
                by_name[pkg.name].append(pkg)
        for name, pkgs in by_name.items():
            yield v.id, name, pkgs


def _events(pkgs: list[AffectedPackage], *kinds: str) -> set[str]:
    return {
        e.version
        for p in pkgs
        for r in p.ranges
        if r.kind is not RangeKind.GIT
        for e in r.events
        if e.kind in kinds
    }


def listed_checks(vulns: Iterable[Vulnerability], eco: str) -> Iterator[Check]:
    for vid, name, pkgs in _packages(vulns, eco):
        positives = {v for p in pkgs for v in p.versions}
        if not positives:
            continue
        yield from (Check(vid, name, v, True) for v in positives)
        exempt = positives | _events(pkgs, "introduced", "last_affected")
        yield from (Check(vid, name, v, False) for v in _events(pkgs, "fixed") - exempt)


def _triple(version: str) -> Triple | None:
    m = _TRIPLE.fullmatch(version)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def _intervals(pkgs: list[AffectedPackage]) -> list[tuple[Triple, Triple | None, bool]] | None:
    """OSV event walk over plain x.y.z versions: (low, high, high inclusive) per interval."""
    out: list[tuple[Triple, Triple | None, bool]] = []
    for rng in (r for p in pkgs for r in p.ranges if r.kind is not RangeKind.GIT):
        events = []
        for e in rng.events:
            t = (0, 0, 0) if e.kind == "introduced" and e.version == "0" else _triple(e.version)
            if t is None or e.kind not in ("introduced", "fixed", "last_affected"):
                return None
            events.append((t, e.kind))
        low: Triple | None = None
        # stable sort: events at one version keep the record's order ("introduced 1.2.0, fixed
        # 1.2.0" is empty; "fixed 3.1.1, introduced 3.1.1" continues), as OSV's reference walk
        for t, kind in sorted(events, key=lambda te: te[0]):
            if kind == "introduced" and low is None:
                low = t
            elif kind != "introduced" and low is not None:
                out.append((low, t, kind == "last_affected"))
                low = None
        if low is not None:
            out.append((low, None, False))
    return out


def _oracle(
    intervals: list[tuple[Triple, Triple | None, bool]], listed: set[Triple], t: Triple
) -> bool:
    if t in listed:
        return True
    return any(
        lo <= t and (hi is None or t < hi or (incl and t == hi)) for lo, hi, incl in intervals
    )


def _around(t: Triple) -> set[Triple]:
    """The event itself and its neighbours: patch ±1..5, minor ±1, major +1."""
    a, b, c = t
    near = {(a, b, c + k) for k in range(6)} | {(a, b, c - k) for k in range(1, 6) if c >= k}
    near |= {(a, b + 1, 0), (a, b + 1, c), (a, b + 2, 0), (a + 1, 0, 0), (a + 1, b, c)}
    if b:
        near |= {(a, b - 1, 0), (a, b - 1, c)}
    return near


def probe_checks(vulns: Iterable[Vulnerability], eco: str) -> Iterator[Check]:
    for vid, name, pkgs in _packages(vulns, eco):
        intervals = _intervals(pkgs)
        if not intervals:
            continue
        listed = {_pad(v) for p in pkgs for v in p.versions if _SHORT.fullmatch(v)}
        probes = {p for lo, hi, _ in intervals for e in (lo, hi) if e for p in _around(e)}
        probes |= {(0, 0, 1), (0, 1, 0)}
        for t in probes:
            yield Check(vid, name, ".".join(map(str, t)), _oracle(intervals, listed, t))


def _pad(version: str) -> Triple:
    nums = [int(x) for x in version.split(".")] + [0, 0]
    return nums[0], nums[1], nums[2]


def _sample(checks: Iterable[Check]) -> list[Check]:
    def key(c: Check) -> str:
        return hashlib.sha1(f"{c.advisory}|{c.name}|{c.version}".encode()).hexdigest()

    return sorted(set(checks), key=key)[:CAP]


def _purl(eco: str, name: str, version: str) -> str | None:
    try:
        if eco == "Go":
            namespace, _, base = name.rpartition("/")
            return build_purl("golang", namespace or None, base, "v" + version).to_string()
        return build_purl("pypi" if eco == "PyPI" else "cargo", None, name, version).to_string()
    except PurlError:
        return None  # e.g. Go's "stdlib": no purl for it


def score(checks: list[Check], index: VulnIndex, eco: str) -> Score:
    result = Score()
    matcher = PurlMatcher()
    by_package: dict[tuple[str, str], list[Check]] = defaultdict(list)
    for c in checks:
        by_package[(c.name, c.version)].append(c)
    for (name, version), group in sorted(by_package.items()):
        purl = _purl(eco, name, version)
        if purl is None:
            continue
        outcome = matcher.match(Component(bom_ref="q", name=name, purl=purl), index, SbomContext())
        found = {h.vuln.id for h in outcome.hits}
        result.skipped += bool(outcome.problems)
        for c in group:
            hit = c.advisory in found
            if c.affected:
                result.tp += hit
                result.fn += not hit
            else:
                result.fp += hit
                result.tn += not hit
    return result


def _without_lists(v: Vulnerability) -> Vulnerability:
    return replace(v, packages=tuple(replace(p, versions=()) for p in v.packages))


def _has_ranges(vulns: list[Vulnerability], eco: str) -> set[tuple[str, str]]:
    return {
        (vid, name)
        for vid, name, pkgs in _packages(vulns, eco)
        if any(r.kind is not RangeKind.GIT for p in pkgs for r in p.ranges)
    }


SETS: dict[str, Callable[[list[Vulnerability], str], Iterable[Check]]] = {
    "listed": listed_checks,
    "probes": probe_checks,
}


def osv_figures(vulns: list[Vulnerability], eco: str) -> dict[str, dict[str, float | int]]:
    index = VulnIndex.build(vulns)
    out = {}
    for label, make in SETS.items():
        checks = _sample(make(vulns, eco))
        if checks:
            out[f"{eco} {label}"] = score(checks, index, eco).figures()
    with_ranges = _has_ranges(vulns, eco)
    ranged = [c for c in _sample(listed_checks(vulns, eco)) if (c.advisory, c.name) in with_ranges]
    if ranged:
        bare = VulnIndex.build(_without_lists(v) for v in vulns)
        out[f"{eco} ranges"] = score(ranged, bare, eco).figures()
    return out


def _c(vendor: str, product: str, part: str = "a", update: str = "*") -> str:
    return f"cpe:2.3:{part}:{vendor}:{product}:{{v}}:{update}:*:*:*:*:*:*"


OPENSSL = _c("openssl", "openssl")
WIN = "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"
WIN7 = "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"
LINUX = "cpe:2.3:o:linux:linux_kernel:5.10:*:*:*:*:*:*:*"
MEDFUSION = "smiths-medical", "medfusion_4000_wireless_syringe_infusion_pump"
BAXTER_WBM = _c("baxter", "spectrum_wireless_battery_module_firmware", "o")

# (CVE = the NVD record in nvd-embedded-devices, component CPE with {v}, version,
#  other SBOM components' CPEs, expected), each checked by hand against the record's JSON.
NVD_CASES: list[tuple[str, str, str, tuple[str, ...], bool]] = [
    # CVE-2014-0160 (Heartbleed): openssl >=1.0.1 <1.0.1g
    ("CVE-2014-0160", OPENSSL, "1.0.1", (), True),  # start including
    ("CVE-2014-0160", OPENSSL, "1.0.1f", (), True),  # letter below the end
    ("CVE-2014-0160", OPENSSL, "1.0.1g", (), False),  # end excluding
    ("CVE-2014-0160", OPENSSL, "1.0.0t", (), False),  # below the start
    # CVE-2022-0778: openssl [1.0.2, 1.0.2zd), [1.1.0, 1.1.1n), [3.0.0, 3.0.2): OpenSSL letters
    ("CVE-2022-0778", OPENSSL, "1.0.2zc", (), True),
    ("CVE-2022-0778", OPENSSL, "1.0.2zd", (), False),
    ("CVE-2022-0778", OPENSSL, "1.1.1k", (), True),
    ("CVE-2022-0778", OPENSSL, "1.1.1n", (), False),
    ("CVE-2022-0778", OPENSSL, "3.0.1", (), True),
    ("CVE-2022-0778", OPENSSL, "3.0.2", (), False),
    # CVE-2023-0286: openssl [1.1.1, 1.1.1t), [3.0.0, 3.0.8)
    ("CVE-2023-0286", OPENSSL, "1.1.1s", (), True),
    ("CVE-2023-0286", OPENSSL, "3.0.8", (), False),
    # CVE-2021-42386: busybox >=1.16.0 <=1.33.1 (end including)
    ("CVE-2021-42386", _c("busybox", "busybox"), "1.33.1", (), True),
    ("CVE-2021-42386", _c("busybox", "busybox"), "1.33.2", (), False),
    ("CVE-2021-42386", _c("busybox", "busybox"), "1.15.3", (), False),
    # CVE-2022-37434: zlib <=1.2.12
    ("CVE-2022-37434", _c("zlib", "zlib"), "1.2.12", (), True),
    ("CVE-2022-37434", _c("zlib", "zlib"), "1.2.13", (), False),
    # CVE-2018-25032: zlib [1.2.2.2, 1.2.12); python [3.8.0, 3.8.14) AND running on windows
    ("CVE-2018-25032", _c("zlib", "zlib"), "1.2.11", (), True),
    ("CVE-2018-25032", _c("zlib", "zlib"), "1.2.2.1", (), False),
    ("CVE-2018-25032", _c("python", "python"), "3.8.10", (WIN,), True),  # platform present
    ("CVE-2018-25032", _c("python", "python"), "3.8.10", (LINUX,), False),  # another OS
    ("CVE-2018-25032", _c("python", "python"), "3.8.14", (WIN,), False),  # end excluding
    # CVE-2017-0144 (EternalBlue): server_message_block 1.0 AND running on Windows 7 SP1, ...
    ("CVE-2017-0144", _c("microsoft", "server_message_block"), "1.0", (WIN7,), True),
    ("CVE-2017-0144", _c("microsoft", "server_message_block"), "1.0", (LINUX,), False),
    ("CVE-2017-0144", WIN7.replace("-", "{v}", 1), "-", (), False),  # the platform itself
    # CVE-2017-12718: Medfusion 4000 firmware 1.1/1.5/1.6 AND the pump hardware
    ("CVE-2017-12718", _c(*MEDFUSION, "o"), "1.5", (), True),  # hardware not listed: unverified
    ("CVE-2017-12718", _c(*MEDFUSION, "o"), "1.7", (), False),
    # CVE-2022-26390: Baxter WBM firmware [20d29, 20d32], [22d19, 22d28], 16, 16d38, 17, 17d19
    ("CVE-2022-26390", BAXTER_WBM, "20d30", (), True),
    ("CVE-2022-26390", BAXTER_WBM, "20d33", (), False),
    ("CVE-2022-26390", BAXTER_WBM, "16d38", (), True),
    # CVE-2018-14498: libjpeg-turbo <=1.5.90
    ("CVE-2018-14498", _c("libjpeg-turbo", "libjpeg-turbo"), "1.5.90", (), True),
    ("CVE-2018-14498", _c("libjpeg-turbo", "libjpeg-turbo"), "2.0.0", (), False),
    # CVE-2020-22284: lwip_project:lwip 2.1.2; the SBOM spells the vendor "lwip" (near miss)
    ("CVE-2020-22284", _c("lwip", "lwip"), "2.1.2", (), True),
    ("CVE-2020-22284", _c("lwip_project", "lwip"), "v2.1.2", (), True),  # version prefix
    ("CVE-2020-22284", _c("lwip_project", "lwip"), "2.1.3", (), False),
]


def nvd_figures(index: VulnIndex) -> tuple[dict[str, float | int], list[str]]:
    result, wrong = Score(), []
    for cve, template, version, others, expected in NVD_CASES:
        component = Component(bom_ref="c", name="c", cpes=(template.format(v=version),))
        platforms = [Component(bom_ref=f"p{i}", name=p, cpes=(p,)) for i, p in enumerate(others)]
        found = {
            f.vulnerability
            for f in run([component, *platforms], index).findings
            if f.component == "c"
        }
        hit = cve in found
        result.tp += hit and expected
        result.fn += expected and not hit
        result.fp += hit and not expected
        result.tn += not hit and not expected
        if hit != expected:
            wrong.append(f"{cve} {template.format(v=version)} {others}: expected {expected}")
    return result.figures(), wrong


def _report(figures: dict[str, dict[str, float | int]]) -> None:
    print("\nmatch quality (precision / recall over checks):")
    for label, f in sorted(figures.items()):
        counts = f"tp={f['tp']} fp={f['fp']} fn={f['fn']} skipped={f['skipped']}"
        print(
            f"  {label:<22} checks={f['checks']:>6}  precision={f['precision']:.5f}  "
            f"recall={f['recall']:.5f}  ({counts})"
        )


def test_match_quality(shared_data: Callable[[str], Path]) -> None:
    figures: dict[str, dict[str, float | int]] = {}
    for eco, feed in FEEDS.items():
        vulns = list(read_feed(shared_data(feed)).vulnerabilities)
        figures.update(osv_figures(vulns, eco))
    nvd = list(read_feed(shared_data("nvd-embedded-devices")).vulnerabilities)
    figures["NVD hand-checked"], wrong = nvd_figures(VulnIndex.build(nvd))
    _report(figures)
    for label, f in figures.items():
        if not label.startswith("NVD"):
            assert f["checks"] >= 20_000 or label.endswith("ranges"), f"{label}: too few checks"
    if os.environ.get("HEMOSTAT_UPDATE_BASELINE"):
        BASELINE.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    baseline = json.loads(BASELINE.read_text())
    regressions = [
        f"{label} {metric}: {figures.get(label, {}).get(metric)} < baseline {value}"
        for label, base in baseline.items()
        for metric, value in base.items()
        if metric in ("precision", "recall") and figures.get(label, {}).get(metric, -1) < value
    ]
    assert not regressions, "\n".join(regressions + wrong)
