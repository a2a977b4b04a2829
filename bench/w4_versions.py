"""W4: version-range containment per ecosystem and for NVD start/end bounds, ours vs univers
(and packaging for PyPI) on the same generated corpus (PERFORMANCE.md §3.3).

Run: ``.venv/bin/python bench/w4_versions.py [--checks 200000] [--univers-checks 20000]``.
Prints checks/s (warm: keys cached, ranges compiled; cold: first parse of each version) and the
agreement with univers on the checks both ran; no asserts (target: >= 1M checks/s warm).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from packaging.specifiers import SpecifierSet
from packaging.version import Version
from univers.version_range import RANGE_CLASS_BY_SCHEMES

from hemostat.domain.vulnerability import AffectedRange, CpeMatch, RangeEvent, RangeKind
from hemostat.match.ranges import compile_range, cpe_bounds_hit
from hemostat.match.versions import nvd_version_key, version_key


def _dotted(r: random.Random, parts: int = 3, top: int = 15) -> str:
    return ".".join(str(r.randint(0, top)) for _ in range(r.randint(1, parts)))


def _semver(r: random.Random) -> str:
    pre = r.choice(["", "", "", "-alpha.1", "-beta", "-rc.2"])
    return f"{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(0, 30)}{pre}"


GENERATORS: dict[str, tuple[str, Callable[[random.Random], str]]] = {
    # OSV ecosystem: (univers vers scheme, generator)
    "PyPI": ("pypi", lambda r: _dotted(r) + r.choice(["", "", "a1", "rc2", ".post1", ".dev3"])),
    "npm": ("npm", _semver),
    "Go": ("golang", lambda r: "v" + _semver(r)),
    "crates.io": ("cargo", _semver),
    "Maven": ("maven", lambda r: _dotted(r) + r.choice(["", "", "-SNAPSHOT", "-beta-1", "-rc1"])),
    "NuGet": ("nuget", lambda r: _dotted(r, 4) + r.choice(["", "", "-beta", "-rc.1"])),
    "Debian": ("deb", lambda r: _dotted(r) + r.choice(["", "~rc1", "+dfsg"]) + "-1"),
    "Red Hat": ("rpm", lambda r: _dotted(r) + "-" + r.choice(["1.el8", "2.el9_1", "3"])),
    "Alpine": ("apk", lambda r: _dotted(r) + r.choice(["", "_rc1", "_p2"]) + "-r0"),
    "RubyGems": ("gem", lambda r: _dotted(r, 4) + r.choice(["", "", ".pre", ".rc1"])),
}


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds / 1e6:6.2f}M/s" if n / seconds >= 1e6 else f"{n / seconds / 1e3:6.0f}k/s"


def _timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat`` runs (the corpus is small enough for a GC pause to distort one run)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _corpus(eco: str, gen: Callable[[random.Random], str], n: int) -> list[str]:
    rnd = random.Random(4)
    out = set()
    while len(out) < n:
        v = gen(rnd)
        try:
            version_key(eco, v)
        except ValueError:
            continue
        out.add(v)
    return sorted(out)


def bench_ecosystem(
    eco: str, scheme: str, gen: Callable[[random.Random], str], args: argparse.Namespace
) -> None:
    versions = _corpus(eco, gen, 2000)
    rnd = random.Random(11)
    pairs = []
    for _ in range(300):
        a, b = sorted(rnd.sample(versions, 2), key=lambda v: version_key(eco, v))
        pairs.append((a, b))
    ranges = [
        AffectedRange(RangeKind.ECOSYSTEM, (RangeEvent("introduced", a), RangeEvent("fixed", b)))
        for a, b in pairs
    ]
    checks = [
        (rnd.randrange(len(versions)), rnd.randrange(len(ranges))) for _ in range(args.checks)
    ]

    def parse_all() -> None:
        version_key.cache_clear()
        for v in versions:
            version_key(eco, v)

    cold = _timed(parse_all)
    compiled = [compile_range(eco, rg) for rg in ranges]
    keys = [version_key(eco, v) for v in versions]
    warm = _timed(lambda: [compiled[j].hit(keys[i]) for i, j in checks])
    ours = [compiled[j].hit(keys[i]) is not None for i, j in checks]
    via_str = _timed(lambda: [compiled[j].hit(version_key(eco, versions[i])) for i, j in checks])

    cls = RANGE_CLASS_BY_SCHEMES[scheme]
    u_ranges = [cls.from_string(f"vers:{scheme}/>={a}|<{b}") for a, b in pairs]
    u_versions = [cls.version_class(v) for v in versions]
    sub = checks[: args.univers_checks]
    u_time = _timed(lambda: [u_versions[i] in u_ranges[j] for i, j in sub], repeat=1)
    theirs = [u_versions[i] in u_ranges[j] for i, j in sub]
    agree = sum(a == b for a, b in zip(ours, theirs, strict=False))
    line = (
        f"{eco:10} ours warm {_rate(len(checks), warm)}"
        f"  (+key lookup {_rate(len(checks), via_str)})"
        f"  parse {_rate(len(versions), cold)}  | univers {_rate(len(sub), u_time)}"
        f"  agree {agree}/{len(sub)}"
    )
    if eco == "PyPI":
        specs = [SpecifierSet(f">={a},<{b}") for a, b in pairs]
        pv = [Version(v) for v in versions]
        p_time = _timed(lambda: [specs[j].contains(pv[i], prereleases=True) for i, j in checks])
        line += f"  | packaging SpecifierSet {_rate(len(checks), p_time)}"
    print(line)


def _nvd_version(r: random.Random) -> str:
    if r.random() < 0.5:  # OpenSSL-style letter releases
        letters = r.choice(["", "a", "k", "w", "za", "zh"])
        return f"{r.choice(['0.9.8', '1.0.1', '1.0.2', '1.1.0', '1.1.1'])}{letters}"
    return f"3.{r.randint(0, 5)}.{r.randint(0, 20)}"  # univers accepts only real OpenSSL versions


def bench_nvd(args: argparse.Namespace) -> None:
    rnd = random.Random(5)
    versions = sorted({_nvd_version(rnd) for _ in range(3000)}, key=nvd_version_key)
    matches = []
    for _ in range(300):
        a, b = sorted(rnd.sample(versions, 2), key=nvd_version_key)
        matches.append(
            CpeMatch(
                "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
                version_start_including=a,
                version_end_excluding=b,
            )
        )
    checks = [
        (rnd.randrange(len(versions)), rnd.randrange(len(matches))) for _ in range(args.checks)
    ]
    bounds = [
        (
            nvd_version_key(m.version_start_including or ""),
            nvd_version_key(m.version_end_excluding or ""),
        )
        for m in matches
    ]
    keys = [nvd_version_key(v) for v in versions]
    warm = _timed(lambda: [bounds[j][0] <= keys[i] < bounds[j][1] for i, j in checks])
    ours = [cpe_bounds_hit(versions[i], matches[j]) for i, j in checks]
    full = _timed(lambda: [cpe_bounds_hit(versions[i], matches[j]) for i, j in checks])
    cls = RANGE_CLASS_BY_SCHEMES["openssl"]
    u_pairs = [(m.version_start_including, m.version_end_excluding) for m in matches]
    u_ranges = [cls.from_string(f"vers:openssl/>={a}|<{b}") for a, b in u_pairs]
    u_versions = [cls.version_class(v) for v in versions]
    sub = checks[: args.univers_checks]
    u_time = _timed(lambda: [u_versions[i] in u_ranges[j] for i, j in sub], repeat=1)
    theirs = [u_versions[i] in u_ranges[j] for i, j in sub]
    agree = sum(a == b for a, b in zip(ours, theirs, strict=False))
    print(
        f"{'NVD bounds':10} ours warm {_rate(len(checks), warm)}"
        f"  cpe_bounds_hit {_rate(len(checks), full)}"
        f"  | univers (vers:openssl) {_rate(len(sub), u_time)}  agree {agree}/{len(sub)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checks", type=int, default=200_000)
    parser.add_argument("--univers-checks", type=int, default=20_000)
    args = parser.parse_args()
    for eco, (scheme, gen) in GENERATORS.items():
        bench_ecosystem(eco, scheme, gen, args)
    bench_nvd(args)


if __name__ == "__main__":
    main()
