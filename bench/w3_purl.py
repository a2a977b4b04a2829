"""W3: purl normalization of 10k mixed purls, ours vs packageurl-python (PERFORMANCE.md).

Run: ``.venv/bin/python bench/w3_purl.py [-n 10000] [--repeat 5]``. Prints purls/s; no asserts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from packageurl import PackageURL

from hemostat.domain.purl import normalize_purl, purl_parts


def _ver(r: random.Random) -> str:
    return f"{r.randint(0, 30)}.{r.randint(0, 99)}.{r.randint(0, 999)}"


def _npm(r: random.Random) -> str:
    if r.random() < 0.4:
        at = r.choice(["%40", "@"])
        return f"pkg:npm/{at}scope{r.randint(0, 99)}/pkg-{r.randint(0, 9999)}@{_ver(r)}"
    return f"pkg:npm/lodash.{r.randint(0, 9999)}@{_ver(r)}"


def _pypi(r: random.Random) -> str:
    name = r.choice(["Django_Rest", "zope.interface", "PyYAML", "typing-extensions", "Flask_Cors"])
    return f"pkg:pypi/{name}{r.randint(0, 9999)}@{_ver(r)}"


def _maven(r: random.Random) -> str:
    q = r.choice(["", "?type=jar", "?classifier=sources&type=jar"])
    return f"pkg:maven/org.apache.commons{r.randint(0, 999)}/commons-io@{_ver(r)}{q}"


def _os_pkg(r: random.Random) -> str:
    kind, vendor, distro = r.choice(
        [("deb", "debian", "bookworm"), ("apk", "alpine", "alpine-3.19"), ("rpm", "fedora", "40")]
    )
    epoch = "&epoch=1" if kind == "rpm" and r.random() < 0.3 else ""
    v = f"1:{_ver(r)}-1%2Bb1" if kind == "deb" else f"{_ver(r)}-r{r.randint(0, 9)}"
    return f"pkg:{kind}/{vendor}/libssl{r.randint(0, 999)}@{v}?distro={distro}{epoch}&arch=x86_64"


def _golang(r: random.Random) -> str:
    deep = "/".join(f"sub{r.randint(0, 9)}" for _ in range(r.randint(0, 3)))
    ns = f"github.com/org{r.randint(0, 999)}/repo{'/' + deep if deep else ''}"
    return f"pkg:golang/{ns}/v2@v{_ver(r)}"


def _nuget(r: random.Random) -> str:
    return f"pkg:nuget/Newtonsoft.Json{r.randint(0, 9999)}@{_ver(r)}"


def _generic(r: random.Random) -> str:
    return (
        f"pkg:generic/openssl@1.1.1{chr(97 + r.randint(0, 25))}{r.randint(0, 999)}"
        f"?checksum=sha256:{r.getrandbits(128):032x},sha1:{r.getrandbits(64):016x}"
        "&download_url=https://www.openssl.org/source/openssl.tar.gz"
    )


def _github(r: random.Random) -> str:
    return f"pkg:github/Package-URL/purl-Spec{r.randint(0, 9999)}@{r.getrandbits(80):020x}"


def _cargo(r: random.Random) -> str:
    return f"pkg:cargo/serde_json{r.randint(0, 9999)}@{_ver(r)}"


GENERATORS: list[Callable[[random.Random], str]] = [
    _npm, _pypi, _maven, _os_pkg, _golang, _nuget, _generic, _github, _cargo,
]  # fmt: skip


def make_purls(n: int, seed: int = 42) -> list[str]:
    """``n`` distinct purls, mixed over the generators above."""
    r = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen[r.choice(GENERATORS)(r)] = None
    return list(seen)


def _rate(fn: Callable[[list[str]], object], purls: list[str], repeat: int, *, cold: bool) -> float:
    times = []
    for _ in range(repeat):
        if cold:
            purl_parts.cache_clear()
            normalize_purl.cache_clear()
        start = time.perf_counter()
        fn(purls)
        times.append(time.perf_counter() - start)
    return len(purls) / statistics.median(times)


def _ours(purls: list[str]) -> None:
    for p in purls:
        normalize_purl(p)


def _theirs(purls: list[str]) -> None:
    for p in purls:
        PackageURL.from_string(p).to_string()


def _theirs_parse(purls: list[str]) -> None:
    for p in purls:
        PackageURL.from_string(p)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    purls = make_purls(args.n)
    _ours(purls)  # import/regex warm-up, then measure
    cold = _rate(_ours, purls, args.repeat, cold=True)
    warm = _rate(_ours, purls, args.repeat, cold=False)
    lib = _rate(_theirs, purls, args.repeat, cold=False)
    lib_parse = _rate(_theirs_parse, purls, args.repeat, cold=False)
    print(f"{len(purls)} distinct mixed purls, median of {args.repeat} runs")
    print(f"hemostat normalize_purl, cache cold: {cold:>12,.0f} purls/s")
    print(f"hemostat normalize_purl, cache warm: {warm:>12,.0f} purls/s")
    print(f"packageurl-python from_string+to_string: {lib:>8,.0f} purls/s")
    print(f"packageurl-python from_string only:      {lib_parse:>8,.0f} purls/s")
    print(f"speed-up, cold vs from_string+to_string: {cold / lib:.1f}x")


if __name__ == "__main__":
    main()
