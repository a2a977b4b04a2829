"""Deterministic synthetic SBOM content (PERFORMANCE.md §3): one component list, many writers.

The mix: npm 35 %, pypi 22 %, maven 22 %, deb 12 %, apk 4 %, golang 2 %, embedded C 3 %
(``pkg:generic`` + CPE 2.3). About 12 % carry a CPE, every component has hashes, about 90 %
licenses (SPDX id, free-text name or expression), 30 % external references, 25 % properties, and
the dependency graph is a DAG with about 3 edges per component.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

GENERATOR_VERSION = "1"
TIMESTAMP = "2026-01-15T08:00:00Z"

ECOSYSTEMS: tuple[tuple[str, float], ...] = (
    ("npm", 0.35),
    ("pypi", 0.22),
    ("maven", 0.22),
    ("deb", 0.12),
    ("apk", 0.04),
    ("golang", 0.02),
    ("embedded", 0.03),
)

# (name, CPE part:vendor:product, versions) for firmware-style C components.
EMBEDDED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("openssl", "a:openssl:openssl", ("1.0.2u", "1.1.1w", "1.1.1k", "3.0.13", "3.1.5")),
    ("busybox", "a:busybox:busybox", ("1.31.1", "1.35.0", "1.36.1")),
    ("linux_kernel", "o:linux:linux_kernel", ("4.19.306", "5.10.209", "5.15.148", "6.1.77")),
    ("u-boot", "a:denx:u-boot", ("2020.04", "2022.01", "2023.01")),
    ("lwip", "a:lwip_project:lwip", ("2.0.3", "2.1.2", "2.1.3")),
    ("freertos", "a:amazon:freertos", ("10.2.1", "10.4.6", "10.5.1")),
    ("zlib", "a:zlib:zlib", ("1.2.11", "1.2.13", "1.3.1")),
    ("mbedtls", "a:arm:mbed_tls", ("2.16.12", "2.28.7", "3.5.2")),
    ("wolfssl", "a:wolfssl:wolfssl", ("4.8.1", "5.5.4", "5.6.6")),
    ("sqlite", "a:sqlite:sqlite", ("3.31.1", "3.40.1", "3.45.1")),
    ("curl", "a:haxx:curl", ("7.68.0", "7.88.1", "8.5.0")),
    ("dnsmasq", "a:thekelleys:dnsmasq", ("2.80", "2.86", "2.89")),
    ("glibc", "a:gnu:glibc", ("2.31", "2.35", "2.36")),
    ("libxml2", "a:xmlsoft:libxml2", ("2.9.10", "2.10.3", "2.11.5")),
    ("dropbear", "a:dropbear_ssh_project:dropbear_ssh", ("2019.78", "2020.81", "2022.83")),
)

LICENSE_IDS = (
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "BSD-2-Clause",
    "ISC",
    "GPL-2.0-only",
    "GPL-3.0-or-later",
    "LGPL-2.1-or-later",
    "MPL-2.0",
    "Zlib",
)
LICENSE_EXPRESSIONS = ("MIT OR Apache-2.0", "Apache-2.0 AND BSD-3-Clause", "GPL-2.0-or-later")
LICENSE_NAMES = ("Vendor Proprietary License", "Public domain notice", "Custom BSD-style license")
SUPPORT_LEVELS = ("actively_maintained", "no_longer_maintained", "abandoned", "unknown")

# fmt: off
_WORDS = (
    "alpha", "bolt", "cedar", "delta", "ember", "flux", "glyph", "harbor", "iris", "jade",
    "kilo", "lumen", "mesa", "nova", "orbit", "pixel", "quartz", "raven", "sigma", "tango",
    "umbra", "vector", "willow", "xenon", "yarrow", "zephyr", "amber", "basil", "coral",
    "drift", "echo", "fable", "grove", "helix", "index", "jolt", "karma", "lotus", "magma",
    "nimbus", "onyx", "prism", "quill", "ridge", "spark", "thorn", "unity", "vortex", "wave",
    "yield", "zinc",
)
# fmt: on

_CPE_UNQUOTED = re.compile(r"[A-Za-z0-9_.\-]")


@dataclass(frozen=True, slots=True)
class License:
    kind: str  # "id" | "name" | "expression"
    value: str


@dataclass(frozen=True, slots=True)
class Comp:
    """One synthetic component; every writer renders exactly these fields."""

    index: int
    ecosystem: str
    bom_ref: str
    name: str
    version: str
    group: str | None
    purl: str
    cpe: str | None
    hashes: tuple[tuple[str, str], ...]  # (CycloneDX alg, hex)
    license: License | None
    supplier: str | None
    ext_refs: tuple[tuple[str, str], ...]  # (type, url)
    properties: tuple[tuple[str, str], ...]
    depends_on: tuple[int, ...]

    @property
    def spdx_id(self) -> str:
        return f"SPDXRef-Package-{self.index}"


@dataclass(frozen=True, slots=True)
class Doc:
    seed: int
    components: tuple[Comp, ...]
    root_depends_on: tuple[int, ...]

    @property
    def serial(self) -> str:
        h = hashlib.sha256(f"serial:{self.seed}:{len(self.components)}".encode()).hexdigest()
        return f"urn:uuid:{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def cpe_escape(value: str) -> str:
    """Quote characters a CPE 2.3 formatted string must backslash-escape."""
    return "".join(ch if _CPE_UNQUOTED.match(ch) else "\\" + ch for ch in value)


def _pick_ecosystem(rng: random.Random) -> str:
    x = rng.random()
    for eco, share in ECOSYSTEMS:
        if x < share:
            return eco
        x -= share
    return ECOSYSTEMS[0][0]


def _semver(rng: random.Random) -> str:
    return f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"


def _identity(rng: random.Random, eco: str) -> tuple[str | None, str, str, str | None]:  # noqa: PLR0911
    """(namespace, name, version, cpe part:vendor:product or None) for one ecosystem."""
    a, b = rng.choice(_WORDS), rng.choice(_WORDS)
    if eco == "npm":
        scope = f"@{rng.choice(_WORDS)}" if rng.random() < 0.2 else None
        return scope, f"{a}-{b}", _semver(rng), None
    if eco == "pypi":
        return None, f"py{a}-{b}", _semver(rng), None
    if eco == "maven":
        suffix = ".Final" if rng.random() < 0.1 else ""
        return f"org.{a}", f"{b}-core", _semver(rng) + suffix, None
    if eco == "deb":
        upstream = f"{rng.randint(1, 9)}.{rng.randint(0, 20)}-{rng.randint(1, 9)}"
        return "debian", f"lib{a}{b}", f"{upstream}+deb12u{rng.randint(1, 5)}", None
    if eco == "apk":
        return "alpine", f"{a}-{b}", f"{_semver(rng)}-r{rng.randint(0, 9)}", None
    if eco == "golang":
        return f"github.com/{a}", b, "v" + _semver(rng), None
    name, cpe, versions = rng.choice(EMBEDDED)
    return None, name, rng.choice(versions), cpe


def _purl(eco: str, ns: str | None, name: str, version: str) -> str:
    ver = version.replace("+", "%2B")
    if eco == "npm":
        return f"pkg:npm/{ns.replace('@', '%40') + '/' if ns else ''}{name}@{ver}"
    if eco == "embedded":
        return f"pkg:generic/{name}@{ver}"
    if eco == "deb":
        return f"pkg:deb/{ns}/{name}@{ver}?arch=amd64&distro=debian-12"
    if eco == "apk":
        return f"pkg:apk/{ns}/{name}@{ver}?arch=x86_64"
    return f"pkg:{eco}/{ns + '/' if ns else ''}{name}@{ver}"


def _unique(
    rng: random.Random, eco: str, seen: set[str]
) -> tuple[str | None, str, str, str | None]:
    ns, name, version, cpe = _identity(rng, eco)
    base_name, base_version, k = name, version, 1
    while _purl(eco, ns, name, version) in seen:
        k += 1
        if eco == "embedded":  # vendor-patched firmware builds of the same upstream release
            version = f"{base_version}-p{k}"
        else:
            name = f"{base_name}{k}"
    seen.add(_purl(eco, ns, name, version))
    return ns, name, version, cpe


def _license(rng: random.Random) -> License | None:
    x = rng.random()
    if x >= 0.9:
        return None
    if x < 0.7:
        return License("id", rng.choice(LICENSE_IDS))
    if x < 0.8:
        return License("name", rng.choice(LICENSE_NAMES))
    return License("expression", rng.choice(LICENSE_EXPRESSIONS))


def _component(rng: random.Random, i: int, n: int, seen: set[str]) -> Comp:
    eco = _pick_ecosystem(rng)
    ns, name, version, cpe_vp = _unique(rng, eco, seen)
    if cpe_vp is None and rng.random() < 0.0928:  # 3 % embedded + 9.28 % of the rest ≈ 12 %
        vendor = (ns or name).split("/")[-1].lstrip("@").replace(".", "_")
        cpe_vp = f"a:{cpe_escape(vendor)}:{cpe_escape(name)}"
    cpe = f"cpe:2.3:{cpe_vp}:{cpe_escape(version)}:*:*:*:*:*:*:*" if cpe_vp else None
    digest = hashlib.sha256(f"{i}:{eco}:{name}:{version}".encode()).hexdigest()
    hashes: tuple[tuple[str, str], ...] = (("SHA-256", digest),)
    if rng.random() < 0.5:
        hashes += (("SHA-1", hashlib.sha1(digest.encode()).hexdigest()),)
    refs: tuple[tuple[str, str], ...] = ()
    if rng.random() < 0.3:
        refs = (
            ("vcs", f"https://git.example.com/{name}.git"),
            ("website", f"https://{name}.example.org/"),
        )
    props: tuple[tuple[str, str], ...] = ()
    if rng.random() < 0.25:
        props = (
            ("hemostat:level_of_support", rng.choice(SUPPORT_LEVELS)),
            ("build:layer", f"layer-{rng.randint(0, 7)}"),
        )
    deps = tuple(sorted(rng.sample(range(i + 1, n), min(3, n - i - 1))))
    return Comp(
        index=i,
        ecosystem=eco,
        bom_ref=f"{eco}:{name}@{version}#{i}",
        name=name,
        version=version,
        group=ns if eco == "maven" else (ns if eco == "npm" else None),
        purl=_purl(eco, ns, name, version),
        cpe=cpe,
        hashes=hashes,
        license=_license(rng),
        supplier=f"{(ns or name).split('/')[-1].lstrip('@').title()} Project"
        if rng.random() < 0.6
        else None,
        ext_refs=refs,
        properties=props,
        depends_on=deps,
    )


def generate(n: int, seed: int = 1) -> Doc:
    """``n`` components, identical for the same (n, seed)."""
    rng = random.Random(f"hemostat-bench:{seed}:{n}")
    seen: set[str] = set()
    comps = tuple(_component(rng, i, n, seen) for i in range(n))
    return Doc(seed=seed, components=comps, root_depends_on=tuple(range(min(n, 20))))
