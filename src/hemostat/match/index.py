"""The in-memory vulnerability index shared by every matcher and every release of a fleet.

OSV packages are indexed by (base ecosystem, normalized name), NVD records by the CPE
vendor:product of their *vulnerable* cpeMatch entries (a platform named only as "running on" is
not a key: an SBOM listing Windows must not collect every CVE of every Windows application).
Building does no version parsing at all, so a build over ~250k advisories is a single pass of
dict appends: a package's ranges are compiled on its first lookup (``package_table``).
Withdrawn records are not indexed (they never match), but ``keys_of`` still answers for them so
a fleet re-evaluation notices the withdrawal.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from hemostat.domain.cpe import CpeError, parse_cpe
from hemostat.domain.finding import Confidence
from hemostat.domain.vulnerability import AffectedPackage, Configuration, CpeMatch, Vulnerability
from hemostat.match.cpe_table import CpeTable
from hemostat.match.osv_table import PackageTable
from hemostat.match.suggest import (
    NearProduct,
    canon_product,
    canon_vendor,
    describe_difference,
    tokens,
    within_edits,
)

__all__ = ["CpeEntry", "PackageEntry", "VulnIndex", "base_ecosystem", "cpe_key", "package_name_key"]

_PEP503 = re.compile(r"[-_.]+")
_CASELESS = frozenset({"npm", "go", "crates.io", "nuget", "packagist", "maven", "rubygems"})
_AMBIGUOUS_VENDORS = 3  # a product spelled the same by more vendors than this is too generic


@dataclass(frozen=True, slots=True)
class PackageEntry:
    """One OSV ``affected[]`` entry of one advisory."""

    vuln: Vulnerability
    package: AffectedPackage


@lru_cache(maxsize=1024)
def base_ecosystem(ecosystem: str) -> str:
    """``"Debian:12"`` → ``"Debian"``; ecosystem names are compared in OSV spelling."""
    return ecosystem.split(":", 1)[0].strip()


@lru_cache(maxsize=1 << 17)
def package_name_key(ecosystem: str, name: str) -> str:
    """Name as compared: PEP 503 for PyPI; case-folded where the registry is case-insensitive
    (or where a case-only difference is never a different package in practice, as Go modules)."""
    eco = base_ecosystem(ecosystem).lower()
    if eco == "pypi":
        return _PEP503.sub("-", name).lower()
    return name.lower() if eco in _CASELESS else name


def cpe_key(criteria: str) -> tuple[str, str, str] | None:
    """(part, vendor, product) of a CPE 2.3 string; a fast split for the common unescaped case."""
    if "\\" not in criteria:
        fields = criteria.split(":")
        if len(fields) == 13 and fields[0].lower() == "cpe":
            return fields[2].lower(), fields[3].lower(), fields[4].lower()
    try:
        cpe = parse_cpe(criteria)
    except CpeError:
        return None
    return cpe.part, cpe.vendor, cpe.product


def _vulnerable_matches(vuln: Vulnerability) -> Iterator[CpeMatch]:
    for config in vuln.configurations:
        for node in config.nodes:
            for match in node.matches:
                if match.vulnerable:
                    yield match


@dataclass(frozen=True, slots=True)
class CpeEntry:
    """One NVD record under one vendor:product, with the configurations naming that product
    as vulnerable (a record such as Heartbleed has 18; OpenSSL's own is the first)."""

    vuln: Vulnerability
    configurations: tuple[Configuration, ...]


class VulnIndex:
    """Lookup structures over a set of advisories; immutable once built (caches aside)."""

    def __init__(self) -> None:
        self._packages: dict[tuple[str, str], list[PackageEntry]] = defaultdict(list)
        self._cpes: dict[tuple[str, str], list[CpeEntry]] = defaultdict(list)
        self._parts: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._by_vendor: dict[str, set[str]] = defaultdict(set)
        self._by_product: dict[str, set[str]] = defaultdict(set)
        self._by_canon: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        self._vendor_canon: dict[str, set[str]] = defaultdict(set)
        self._tokens: dict[str, set[tuple[str, str]]] | None = None
        self._near: dict[tuple[str, str], tuple[NearProduct, ...]] = {}
        self._tables: dict[tuple[str, str], PackageTable] = {}
        self._cpe_tables: dict[tuple[str, str], CpeTable] = {}
        # the purl matcher's answer per package (purl without version), kept with the index
        self.purl_packages: dict[tuple[object, ...], object] = {}
        self.ecosystems: frozenset[str] = frozenset()
        self.size = 0

    @classmethod
    def build(cls, vulnerabilities: Iterable[Vulnerability]) -> VulnIndex:
        index = cls()
        for vuln in vulnerabilities:
            if vuln.withdrawn is None:
                index._add(vuln)
        index.ecosystems = frozenset(eco for eco, _ in index._packages)
        index._packages = dict(index._packages)
        index._cpes = dict(index._cpes)
        return index

    def _add(self, vuln: Vulnerability) -> None:
        self.size += 1
        for pkg in vuln.packages:
            eco = base_ecosystem(pkg.ecosystem)
            self._packages[(eco, package_name_key(eco, pkg.name))].append(PackageEntry(vuln, pkg))
        configs: dict[tuple[str, str], list[Configuration]] = defaultdict(list)
        for config in vuln.configurations:
            for pair in dict.fromkeys(self._products(config)):
                configs[pair].append(config)
        for pair, found in configs.items():
            if pair not in self._cpes:
                self._new_product(*pair)
            self._cpes[pair].append(CpeEntry(vuln, tuple(found)))

    def _products(self, config: Configuration) -> Iterator[tuple[str, str]]:
        """vendor:product of the configuration's vulnerable entries (remembering NVD's part)."""
        for node in config.nodes:
            for match in node.matches:
                key = cpe_key(match.criteria) if match.vulnerable else None
                if key is not None:
                    self._parts[key[1:]].add(key[0])
                    yield key[1], key[2]

    def _new_product(self, vendor: str, product: str) -> None:
        self._by_vendor[vendor].add(product)
        self._vendor_canon[canon_vendor(vendor)].add(vendor)
        self._by_product[product].add(vendor)
        self._by_canon[(canon_vendor(vendor), canon_product(product))].add((vendor, product))

    def by_package(self, ecosystem: str, name: str) -> tuple[PackageEntry, ...]:
        """Entries for the package; an ecosystem with a release ("Debian:12") keeps entries of
        that release and release-less ones."""
        eco = base_ecosystem(ecosystem)
        entries = self._packages.get((eco, package_name_key(eco, name)), ())
        if eco == ecosystem:
            return tuple(entries)
        return tuple(e for e in entries if e.package.ecosystem in (ecosystem, eco))

    def package_table(self, ecosystem: str, name: str) -> PackageTable | None:
        """All entries of the package (every release of the ecosystem), compiled for matching on
        first use and kept (``osv_table``); None when no advisory names the package."""
        return self.table_of(base_ecosystem(ecosystem), name)

    def table_of(self, base: str, name: str) -> PackageTable | None:
        """``package_table`` for an ecosystem already without its release (``base_ecosystem``)."""
        key = (base, package_name_key(base, name))
        table = self._tables.get(key)
        if table is None:
            entries = self._packages.get(key)
            if not entries:
                return None
            table = self._tables[key] = PackageTable(base, entries)
        return table

    def by_cpe(self, vendor: str, product: str) -> tuple[Vulnerability, ...]:
        """NVD records with a vulnerable entry for vendor:product."""
        return tuple(e.vuln for e in self.cpe_entries(vendor, product))

    def cpe_entries(self, vendor: str, product: str) -> tuple[CpeEntry, ...]:
        """The same, each with only the configurations that name vendor:product."""
        return tuple(self._cpes.get((vendor.lower(), product.lower()), ()))

    def cpe_table(self, vendor: str, product: str) -> CpeTable:
        """``cpe_entries`` indexed by the versions their entries for exactly this vendor:product
        (as the probe spells it) can hit; built on first use and kept (``cpe_table``)."""
        table = self._cpe_tables.get((vendor, product))
        if table is None:
            table = CpeTable(vendor, product, self.cpe_entries(vendor, product))
            self._cpe_tables[(vendor, product)] = table
        return table

    def has_product(self, vendor: str, product: str) -> bool:
        return (vendor.lower(), product.lower()) in self._cpes

    def part_of(self, vendor: str, product: str) -> str:
        """The CPE part NVD uses for vendor:product ('a' first when it uses several)."""
        return min(self._parts.get((vendor, product), {"a"}))

    def parts_of(self, vendor: str, product: str) -> frozenset[str]:
        return frozenset(self._parts.get((vendor, product), ()))

    @staticmethod
    def keys_of(vuln: Vulnerability) -> set[str]:
        """Index keys the record lives under: ``pkg:<eco>/<name>``, ``cpe:<vendor>:<product>``."""
        keys = set()
        for pkg in vuln.packages:
            eco = base_ecosystem(pkg.ecosystem)
            keys.add(f"pkg:{eco}/{package_name_key(eco, pkg.name)}")
        for match in _vulnerable_matches(vuln):
            key = cpe_key(match.criteria)
            if key is not None:
                keys.add(f"cpe:{key[1]}:{key[2]}")
        return keys

    def products_like(self, vendor: str, product: str) -> tuple[NearProduct, ...]:
        """Indexed vendor:products close to one that is not indexed, best first (cached)."""
        key = (vendor.lower(), product.lower())
        if key not in self._near:
            self._near[key] = self._find_near(*key)
        return self._near[key]

    def _find_near(self, vendor: str, product: str) -> tuple[NearProduct, ...]:
        found: dict[tuple[str, str], NearProduct] = {}

        def add(pair: tuple[str, str], confidence: Confidence) -> None:
            if pair != (vendor, product) and pair not in found:
                note = describe_difference(vendor, product, *pair)
                found[pair] = NearProduct(pair[0], pair[1], note, confidence)

        # spelling variants (case, '_', '-', ' ', '.', a '_project' suffix): nearly certain
        for pair in sorted(self._by_canon.get((canon_vendor(vendor), canon_product(product)), ())):
            add(pair, Confidence.MEDIUM)
        # same vendor (or its spelling variant), product within two edits
        vendors = {vendor} | self._vendor_canon.get(canon_vendor(vendor), set())
        for v in sorted(vendors):
            for p in sorted(self._by_vendor.get(v, ())):
                if len(product) >= 4 and within_edits(product, p):
                    add((v, p), Confidence.LOW)
        # product spelled exactly as NVD does, under another vendor (unless too generic)
        others = self._by_product.get(product, set())
        if 0 < len(others) <= _AMBIGUOUS_VENDORS:
            for v in sorted(others):
                add((v, product), Confidence.LOW)
        return tuple(found.values())

    def products_with_token(self, token: str) -> frozenset[tuple[str, str]]:
        """vendor:product pairs whose product name contains the word ``token``."""
        if self._tokens is None:
            table: dict[str, set[tuple[str, str]]] = defaultdict(set)
            for pair in self._cpes:
                for t in tokens(pair[1]):
                    table[t].add(pair)
            self._tokens = dict(table)
        return frozenset(self._tokens.get(token, ()))
