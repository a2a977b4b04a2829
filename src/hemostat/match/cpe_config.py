"""NVD configuration evaluation for one component CPE within one SBOM.

A configuration holds when its nodes combine per its operator (AND/OR, then ``negate``); a node
holds when any (OR) / all (AND) of its cpeMatch entries hit (then the node's ``negate``). A
``vulnerable: true`` entry hits when it names this component (part, vendor, product, the other
attributes, version or start/end bounds); only such a hit, in a node that holds, makes the
component vulnerable. Any other entry is a condition on the rest of the SBOM ("running on"
Windows 7, "with" some hardware): it holds when a component of the SBOM fits it. Choice: when the
SBOM lists nothing of that kind at all (no operating system for an ``o`` platform, no hardware
for ``h``), we cannot tell, so the condition is taken as met and the finding says so
("platform condition not verified: <cpe>", confidence medium); when it lists others, the finding
is not reported. A platform product NVD names generically (``microsoft:windows``) is taken as met,
with a note, by a more specific product of the same vendor (``windows_10_1809``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hemostat.domain.cpe import Cpe
from hemostat.domain.vulnerability import ConfigNode, Configuration, CpeMatch
from hemostat.match.matcher import PlatformEntry, SbomContext, read_cpe
from hemostat.match.ranges import cpe_bounds_hit
from hemostat.match.versions import VersionError

__all__ = [
    "BadBounds",
    "NeedsVersion",
    "Probe",
    "Verdict",
    "best_configuration",
    "describe_match",
    "plain",
]

_ATTRS = ("update", "edition", "language", "sw_edition", "target_sw", "target_hw", "other")
_ANY = ("*", "-", "")
_DASH = "NVD lists no version ('-'): all versions taken as affected"


class NeedsVersion(Exception):
    """A bound that cannot be evaluated without a (valid) component version."""


class BadBounds(Exception):
    """A record whose own version bounds cannot be read."""


@dataclass(frozen=True, slots=True)
class Probe:
    """The component's CPE as evaluated (vendor/product/part possibly NVD's) and its version."""

    cpe: Cpe
    version: str | None


@dataclass(frozen=True, slots=True)
class _Fit:
    """How one cpeMatch entry holds: what to show, and a caveat that lowers confidence."""

    desc: str
    caveat: str = ""
    own: bool = False
    fixed: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    matched: str
    caveats: tuple[str, ...]
    fixed: tuple[str, ...]


_ALL_ANY = ("*",) * len(_ATTRS)


def _open(crit: Cpe) -> bool:
    """True when every attribute after the version is ANY (the order of ``_ATTRS``)."""
    c = crit
    return (
        c.update,
        c.edition,
        c.language,
        c.sw_edition,
        c.target_sw,
        c.target_hw,
        c.other,
    ) == _ALL_ANY


def _criteria(text: str) -> Cpe | None:
    cpe = read_cpe(text)
    return cpe if isinstance(cpe, Cpe) else None


def plain(value: str) -> str:
    return value.replace("\\", "")


def describe_match(m: CpeMatch) -> str:
    """``cpe:2.3:a:openssl:openssl:*:… [>=1.1.0, <1.1.1n]``."""
    bounds = [
        f"{op}{v}"
        for op, v in (
            (">=", m.version_start_including),
            (">", m.version_start_excluding),
            ("<=", m.version_end_including),
            ("<", m.version_end_excluding),
        )
        if v
    ]
    return m.criteria + (f" [{', '.join(bounds)}]" if bounds else "")


def _has_bounds(m: CpeMatch) -> bool:
    return bool(
        m.version_start_including
        or m.version_start_excluding
        or m.version_end_including
        or m.version_end_excluding
    )


def _version_hit(m: CpeMatch, crit: Cpe, version: str | None) -> bool:
    """Does ``version`` satisfy the entry's version or bounds? Raises NeedsVersion.

    Choice: an entry with version '-' (NVD's "no version applies", common for device firmware
    and for hardware) covers every version; CPE name matching would say no. For a vulnerable
    entry the finding says so (``_DASH``).
    """
    bounded = _has_bounds(m)
    if crit.version in ("-", "*") and not bounded:
        return True
    if version is None:
        raise NeedsVersion
    return cpe_bounds_hit(version, m)


def _attrs_fit(crit: Cpe, cpe: Cpe) -> bool:
    if crit.part not in ("*", cpe.part) and cpe.part != "*":
        return False
    if _open(crit):  # the common case: NVD names no update, edition ... at all
        return True
    for name in _ATTRS:
        want, have = getattr(crit, name), getattr(cpe, name)
        if want != "*" and have not in ("*", want):
            return False
    return True


def _own(m: CpeMatch, crit: Cpe, probe: Probe) -> _Fit | None:
    cpe = probe.cpe
    if (crit.vendor, crit.product) != (cpe.vendor, cpe.product) or not _attrs_fit(crit, cpe):
        return None
    if not _version_hit(m, crit, probe.version):
        return None
    caveat = _DASH if crit.version == "-" and not _has_bounds(m) else ""
    return _Fit(describe_match(m), caveat, own=True, fixed=m.version_end_excluding)


def _entry_fits(m: CpeMatch, crit: Cpe, entry: PlatformEntry) -> _Fit | None:
    if not _attrs_fit(crit, entry.cpe):
        return None
    version = entry.cpe.version if entry.cpe.version not in _ANY else entry.version
    try:
        fits = _version_hit(m, crit, plain(version) if version else None)
    except (NeedsVersion, VersionError):
        fits = None
    if fits is False:
        return None
    desc = f"with {describe_match(m)} ({entry.component})"
    return _Fit(desc) if fits else _Fit(desc, f"platform version not verified: {entry.component}")


def _family(crit: Cpe, product: str) -> bool:
    """NVD's older generic names: ``windows_10`` version ``1607`` is ``windows_10_1607``;
    ``windows`` with any version covers ``windows_10_1809``."""
    if crit.version in _ANY:
        return product.startswith(crit.product + "_")
    return product == f"{crit.product}_{plain(crit.version)}".lower()


def _present(m: CpeMatch, crit: Cpe, sbom: SbomContext, *, platform: bool) -> _Fit | None:
    """How the rest of the SBOM satisfies entry ``m``, or None."""
    for entry in sbom.platforms.get((crit.vendor, crit.product), ()):
        fit = _entry_fits(m, crit, entry)
        if fit is not None:
            return fit
    if not platform:
        return None
    for product, entries in sbom.of_vendor(crit.vendor):
        if _family(crit, product) and any(_attrs_fit(crit, e.cpe) for e in entries):
            caveat = f"platform '{crit.vendor}:{crit.product}' taken as met by '{product}'"
            return _Fit(f"with {m.criteria} ({product})", caveat)
    if crit.part not in sbom.parts:
        return _Fit(f"with {m.criteria}", f"platform condition not verified: {m.criteria}")
    return None


def _fit(m: CpeMatch, probe: Probe, sbom: SbomContext) -> _Fit | None:
    crit = _criteria(m.criteria)
    if crit is None:
        return None
    own = _own(m, crit, probe) if m.vulnerable else None
    return own or _present(m, crit, sbom, platform=not m.vulnerable)


def _is_or(node: ConfigNode) -> bool:
    return not node.negate and node.operator.upper() != "AND"


def _node(node: ConfigNode, probe: Probe, sbom: SbomContext) -> tuple[bool, list[_Fit]]:
    """(holds, the entries that made it hold); a negated node contributes no fits."""
    fits = [_fit(m, probe, sbom) for m in node.matches]
    holds = all(fits) if node.operator.upper() == "AND" else any(fits)
    if node.negate or not holds:
        return holds != node.negate, []
    found = [f for f in fits if f is not None]
    if node.operator.upper() != "AND":  # one entry is enough: prefer the component's own
        found = [f for f in found if f.own] or found[:1]
    return True, found


def _own_only(node: ConfigNode, probe: Probe) -> list[_Fit]:
    """The component's own fits in a lone OR node: all a verdict can come from there (another
    entry's fit is dropped once an own one holds, and without one there is no finding)."""
    fits = []
    for m in node.matches:
        crit = _criteria(m.criteria) if m.vulnerable else None
        fit = _own(m, crit, probe) if crit is not None else None
        if fit is not None:
            fits.append(fit)
    return fits


def _configuration(config: Configuration, probe: Probe, sbom: SbomContext) -> Verdict | None:
    if len(config.nodes) == 1 and not config.negate and _is_or(config.nodes[0]):
        fits = own = _own_only(config.nodes[0], probe)  # the common shape, without the SBOM
        if not own:
            return None
    else:
        nodes = [_node(node, probe, sbom) for node in config.nodes]
        holds = [h for h, _ in nodes]
        ok = all(holds) if config.operator.upper() == "AND" else any(holds)
        fits = [f for _, fs in nodes for f in fs]
        own = [f for f in fits if f.own]
        if ok == config.negate or not own:
            return None
    if len(fits) == 1:  # one entry held, the component's own: the common case, directly
        f = fits[0]
        return Verdict(f.desc, (f.caveat,) if f.caveat else (), (f.fixed,) if f.fixed else ())
    others = [f.desc for f in fits if not f.own]
    matched = " OR ".join(dict.fromkeys(f.desc for f in own))
    if others:
        matched += " AND " + " AND ".join(dict.fromkeys(others))
    caveats = tuple(dict.fromkeys(f.caveat for f in fits if f.caveat))
    fixed = tuple(sorted({f.fixed for f in own if f.fixed}))
    return Verdict(matched, caveats, fixed)


def best_configuration(
    configurations: Iterable[Configuration], probe: Probe, sbom: SbomContext
) -> Verdict | None:
    """The configuration that hits with the fewest caveats; raises NeedsVersion when none hits
    and one could not be evaluated."""
    verdicts: list[Verdict] = []
    blocked: Exception | None = None
    for config in configurations:
        try:
            verdict = _configuration(config, probe, sbom)
        except NeedsVersion as err:
            blocked = err
            continue
        except VersionError as err:  # the component's version was checked: the record's is bad
            blocked = BadBounds(str(err))
            continue
        if verdict is not None and not verdict.caveats:
            return verdict
        if verdict is not None:
            verdicts.append(verdict)
    if blocked is not None and not verdicts:
        raise blocked
    return min(verdicts, key=lambda v: len(v.caveats), default=None)
