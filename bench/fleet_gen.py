"""A synthetic fleet for the matching benchmarks W5–W7 (PERFORMANCE.md §3.5), deterministic.

    python bench/fleet_gen.py [--scale 1.0] [--seed 7]     # writes bench/.cache/fleet-….msgpack

At scale 1: 250k advisories as ``domain.Vulnerability`` (OSV packages with ECOSYSTEM ranges
across PyPI/npm/Maven/Go/crates.io/Debian, NVD CPE configurations for embedded C products, about
2.1 ranges or cpeMatch bounds each, one kernel-like Debian ``linux`` package with 14.9k
advisories and a heavy ``linux_kernel`` CPE product), 150 SBOMs of 200–2,000 components
(176k component rows; about 68 % name a package or product that has advisories) and 15,000
devices assigned to SBOMs along a Zipf curve. Scale multiplies advisories, SBOMs, component rows
and devices alike. Same (scale, seed) → same fleet; the cache file is msgpack of these values.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import msgspec

from hemostat.domain.component import Component
from hemostat.domain.vulnerability import (
    AffectedPackage,
    AffectedRange,
    ConfigNode,
    Configuration,
    CpeMatch,
    CvssScore,
    FeedKind,
    Provenance,
    RangeEvent,
    RangeKind,
    Vulnerability,
)

GENERATOR_VERSION = "1"
CACHE = Path(__file__).resolve().parent / ".cache"
SNAPSHOT = date(2026, 11, 1)
FULL = {"advisories": 250_000, "sboms": 150, "rows": 176_000, "devices": 15_000}
KERNEL_SHARE = 14_900 / 250_000  # advisories of the Debian "linux" package (PERFORMANCE.md §3.5)
DEBIAN_SHARE = 0.26  # of advisories (ADVISORY_MIX)
HIT_SHARE = 0.68  # component rows naming something with advisories
# advisory mix: OSV ecosystem (or "nvd") and share
ADVISORY_MIX = (
    ("npm", 0.24), ("Maven", 0.14), ("PyPI", 0.12), ("Go", 0.06), ("crates.io", 0.03),
    ("Debian", 0.26), ("nvd", 0.15),
)  # fmt: skip
# component mix: OSV ecosystem (or "embedded" for pkg:generic + CPE) and share
COMPONENT_MIX = (
    ("npm", 0.35), ("PyPI", 0.22), ("Maven", 0.22), ("Debian", 0.14), ("Go", 0.02),
    ("crates.io", 0.02), ("embedded", 0.03),
)  # fmt: skip
PURL_TYPE = {"npm": "npm", "PyPI": "pypi", "Maven": "maven", "Go": "golang", "crates.io": "cargo"}
# Real embedded products (as in gen_model.EMBEDDED); synthetic ones are added after these.
EMBEDDED = (
    "a:openssl:openssl", "a:busybox:busybox", "o:linux:linux_kernel", "a:denx:u-boot",
    "a:lwip_project:lwip", "a:amazon:freertos", "a:zlib:zlib", "a:arm:mbed_tls",
    "a:wolfssl:wolfssl", "a:sqlite:sqlite", "a:haxx:curl", "a:thekelleys:dnsmasq", "a:gnu:glibc",
    "a:xmlsoft:libxml2", "a:dropbear_ssh_project:dropbear_ssh",
)  # fmt: skip
VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
)  # fmt: skip
KERNEL_CPE = "o:linux:linux_kernel"  # a fifth of the NVD records (real NVD: thousands)
N_VERSIONS = 10 * 20 * 30  # the version space of every package: "a.b.c", a < 10, b < 20, c < 30


@dataclass(frozen=True, slots=True)
class Fleet:
    scale: float
    seed: int
    advisories: tuple[Vulnerability, ...]
    sboms: tuple[tuple[Component, ...], ...]
    devices: tuple[int, ...]  # device i runs SBOM devices[i]

    @property
    def rows(self) -> int:
        return sum(len(s) for s in self.sboms)


def version(i: int, eco: str = "") -> str:
    text = f"{i // 600}.{i // 30 % 20}.{i % 30}"
    return text + "-1" if eco == "Debian" else text


def _names(eco: str, n: int, salt: str) -> list[str]:
    if eco == "npm":
        return [f"@s{i % 97}/{salt}-{i}" if i % 5 == 0 else f"{salt}-{i}" for i in range(n)]
    if eco == "Maven":
        return [f"org.{salt}{i % 211}:{salt}-lib-{i}" for i in range(n)]
    if eco == "Go":
        return [f"github.com/{salt}{i % 311}/mod{i}" for i in range(n)]
    if eco == "Debian":
        return [f"lib{salt}{i}" for i in range(n)]
    return [f"{salt}_{i}" if eco == "crates.io" else f"{salt}-py{i}" for i in range(n)]


def _range(r: random.Random, eco: str) -> AffectedRange:
    lo = r.randrange(N_VERSIONS - 1)
    hi = min(N_VERSIONS - 1, lo + 1 + int(r.expovariate(1 / 400)))
    intro = "0" if r.random() < 0.1 else version(lo, eco)
    events = (RangeEvent("introduced", intro), RangeEvent("fixed", version(hi, eco)))
    kind = RangeKind.SEMVER if eco in ("npm", "crates.io", "Go") else RangeKind.ECOSYSTEM
    return AffectedRange(kind, events)


def _n_ranges(r: random.Random) -> int:
    return r.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]  # mean 2.05 (§3.5: 532k / 250k)


class _Gen:
    def __init__(self, scale: float, seed: int) -> None:
        self.r = random.Random(seed)
        self.scale = scale
        n = max(1, round(FULL["advisories"] * scale))
        self.n_adv = n
        # ~84k names at full scale across ecosystems, plus CPE products for NVD records
        self.names = {
            eco: _names(eco, max(20, round(n * 0.34 * w)), "p") for eco, w in ADVISORY_MIX
        }
        self.names.pop("nvd")
        self.unadvised = {eco: _names(eco, 5000, "q") for eco in PURL_TYPE.keys() | {"Debian"}}
        extra = max(10, round(3000 * scale))
        self.products = [p for p in EMBEDDED if p != KERNEL_CPE]
        self.products += [f"a:vendor{i % 700}:fw_part{i}" for i in range(extra)]
        self.prov = {
            eco: Provenance(
                FeedKind.NVD if eco == "nvd" else FeedKind.OSV, f"synthetic:{eco}", SNAPSHOT
            )
            for eco, _ in ADVISORY_MIX
        }
        self.cvss = tuple(CvssScore("3.1", v, 0.0, "") for v in VECTORS)

    def _pick(self, seq: list[str]) -> str:
        """Skewed popularity, density ~ rank^-1/2: the head package of n gets about 1/sqrt(n) of
        the draws (a few hundred advisories at full scale), so the head does not grow with n."""
        return seq[int(len(seq) * self.r.random() ** 2)]

    def advisory(self, k: int, eco: str) -> Vulnerability:
        r = self.r
        cve = f"CVE-{2010 + k % 16}-{100000 + k}"
        cvss = (self.cvss[k % len(self.cvss)],)
        if eco == "nvd":
            return Vulnerability(cve, self.prov[eco], cvss=cvss, configurations=self._configs(k))
        kernel = eco == "Debian" and r.random() < KERNEL_SHARE / DEBIAN_SHARE
        name = "linux" if kernel else self._pick(self.names[eco])
        ranges = tuple(_range(r, eco) for _ in range(1 if kernel else _n_ranges(r)))
        listed = (
            tuple(version(r.randrange(N_VERSIONS), eco) for _ in range(3)) if k % 20 == 0 else ()
        )
        pkg = AffectedPackage("Debian:12" if eco == "Debian" else eco, name, None, ranges, listed)
        aliases = (cve,) if k % 5 < 3 else ()
        return Vulnerability(
            f"OSV-{eco[:3].upper()}-{k}", self.prov[eco], aliases, cvss=cvss, packages=(pkg,)
        )

    def _configs(self, k: int) -> tuple[Configuration, ...]:
        r = self.r
        product = KERNEL_CPE if k % 5 == 0 else self._pick(self.products)
        matches = []
        for _ in range(_n_ranges(r)):
            lo = r.randrange(N_VERSIONS - 1)
            hi = min(N_VERSIONS - 1, lo + 1 + int(r.expovariate(1 / 400)))
            crit = f"cpe:2.3:{product}:*:*:*:*:*:*:*:*"
            matches.append(CpeMatch(crit, True, version(lo), None, None, version(hi)))
        node = ConfigNode("OR", False, tuple(matches))
        if k % 10 != 3 or product.startswith("o:"):
            return (Configuration((node,)),)
        platform = ConfigNode(
            "OR", False, (CpeMatch("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*", False),)
        )
        return (Configuration((node, platform), "AND"),)

    def advisories(self) -> tuple[Vulnerability, ...]:
        ecos = [eco for eco, _ in ADVISORY_MIX]
        weights = [w for _, w in ADVISORY_MIX]
        return tuple(self.advisory(k, self.r.choices(ecos, weights)[0]) for k in range(self.n_adv))

    def component(self, i: int, eco: str) -> Component:
        r = self.r
        ver = r.randrange(N_VERSIONS)
        if eco == "embedded":
            hit = r.random() < HIT_SHARE
            product = self._pick(self.products) if hit else f"a:nobody:x{i}"
            return _firmware(f"c{i}", product, version(ver))
        pool = self.names[eco] if r.random() < HIT_SHARE else self.unadvised[eco]
        name, v = self._pick(pool), version(ver, eco)
        return Component(f"c{i}", name, version=v, purl=purl_for(eco, name, v))

    def sboms(self) -> tuple[tuple[Component, ...], ...]:
        n = max(1, round(FULL["sboms"] * self.scale))
        sizes = [self.r.randint(200, 2000) for _ in range(n)]
        factor = FULL["rows"] * self.scale / sum(sizes)
        ecos = [eco for eco, _ in COMPONENT_MIX]
        weights = [w for _, w in COMPONENT_MIX]
        out = []
        for s, size in enumerate(sizes):
            comps = [
                self.component(i, self.r.choices(ecos, weights)[0])
                for i in range(round(size * factor))
            ]
            v = self.r.randrange(N_VERSIONS)
            if s % 2 == 0:  # half the models ship a Debian-based image with its kernel
                deb = version(v, "Debian")
                purl = f"pkg:deb/debian/linux@{deb}?distro=debian-12"
                comps.append(Component("kernel", "linux", version=deb, purl=purl))
            elif s % 4 == 1:  # a quarter ship an embedded Linux, known by its CPE
                comps.append(_firmware("kernel", KERNEL_CPE, version(v)))
            out.append(tuple(comps))
        return tuple(out)

    def devices(self, n_sboms: int) -> tuple[int, ...]:
        weights = [1 / (rank + 1) ** 1.1 for rank in range(n_sboms)]
        n = max(1, round(FULL["devices"] * self.scale))
        return tuple(self.r.choices(range(n_sboms), weights, k=n))


def purl_for(eco: str, name: str, v: str) -> str:
    """The purl an SBOM gives a package of an OSV ecosystem (``name`` spelled as OSV does)."""
    if eco == "Debian":
        return f"pkg:deb/debian/{name}@{v}?distro=debian-12"
    if eco == "Maven":
        group, _, artifact = name.partition(":")
        return f"pkg:maven/{group}/{artifact}@{v}"
    shown = "v" + v if eco == "Go" else v
    return f"pkg:{PURL_TYPE[eco]}/{name.replace('@', '%40')}@{shown}"


def _firmware(ref: str, product: str, ver: str) -> Component:
    """A ``pkg:generic`` component with a CPE, as SBOMs list embedded C code."""
    name = product.rsplit(":", 1)[1]
    cpe = f"cpe:2.3:{product}:{ver}:*:*:*:*:*:*:*"
    return Component(ref, name, "firmware", ver, purl=f"pkg:generic/{name}@{ver}", cpes=(cpe,))


def generate(scale: float = 1.0, seed: int = 7) -> Fleet:
    g = _Gen(scale, seed)
    advisories = g.advisories()
    sboms = g.sboms()
    return Fleet(scale, seed, advisories, sboms, g.devices(len(sboms)))


def path_for(scale: float, seed: int = 7, out: Path = CACHE) -> Path:
    return out / f"fleet-x{scale:g}-s{seed}-g{GENERATOR_VERSION}.msgpack"


def ensure(scale: float, seed: int = 7, out: Path = CACHE) -> Path:
    """The cached fleet file, generating it first if needed."""
    path = path_for(scale, seed, out)
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(msgspec.msgpack.encode(generate(scale, seed)))
        tmp.replace(path)
    return path


def load(scale: float, seed: int = 7, out: Path = CACHE) -> Fleet:
    return msgspec.msgpack.decode(ensure(scale, seed, out).read_bytes(), type=Fleet)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    path = ensure(args.scale, args.seed)
    fleet = load(args.scale, args.seed)
    print(
        f"{path}: {len(fleet.advisories):,} advisories, {len(fleet.sboms)} SBOMs,"
        f" {fleet.rows:,} component rows, {len(fleet.devices):,} devices"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
