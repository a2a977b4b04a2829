"""Name heuristics over the index's CPE vocabulary: near-miss spellings of a component's CPE, and
candidate CPEs for components that carry neither a purl nor a CPE.

Both are deliberately conservative: a near miss is reported with lower confidence and a note that
says exactly what differed; a suggestion is never a match, only a hint attached to ``Skipped``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from hemostat.domain.component import Component
from hemostat.domain.finding import Confidence, CpeSuggestion

if TYPE_CHECKING:
    from hemostat.match.index import VulnIndex

__all__ = [
    "NearProduct",
    "canon_product",
    "canon_vendor",
    "describe_difference",
    "suggest_cpes",
    "tokens",
    "within_edits",
]

_DIGITS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"[\s_\-.]+")
_TOKEN = re.compile(r"[a-z0-9+#]+")
_STOP = frozenset(
    {"the", "inc", "ltd", "llc", "gmbh", "co", "corp", "corporation", "company", "project"}
    | {"foundation", "software", "systems", "contributors", "team", "community", "developers"}
    | {"and", "of", "for", "org"}
)
_ESCAPE = re.compile(r"[^A-Za-z0-9._\-]")
_CONFIDENCE_RANK = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}


@dataclass(frozen=True, slots=True)
class NearProduct:
    """An NVD vendor:product close to a component's, with what differed and how sure we are."""

    vendor: str
    product: str
    note: str
    confidence: Confidence


def _unescape(value: str) -> str:
    return value.replace("\\", "")


def canon_vendor(vendor: str) -> str:
    """Vendor without case, separators or NVD's ``_project`` suffix (``lwip_project``: ``lwip``)."""
    v = _unescape(vendor).lower().strip()
    v = v.removesuffix("_project").removesuffix("-project").removesuffix(" project")
    return _SEPARATORS.sub("", v)


def canon_product(product: str) -> str:
    """Product without case and separators (``Free_RTOS``, ``free-rtos`` → ``freertos``)."""
    return _SEPARATORS.sub("", _unescape(product).lower().strip())


@lru_cache(maxsize=1 << 16)
def tokens(text: str) -> frozenset[str]:
    """Lower-case word tokens without filler words ("Microsoft Corporation" → {"microsoft"})."""
    return frozenset(t for t in _TOKEN.findall(_unescape(text).lower()) if t not in _STOP)


def _numbers_only(a: str, b: str) -> bool:
    """``windows_10_1809`` vs ``windows_10_1903``: other releases of one family, not typos."""
    runs_a, runs_b = _DIGITS.findall(a), _DIGITS.findall(b)
    return bool(runs_a) and len(runs_a) == len(runs_b) and _DIGITS.sub("", a) == _DIGITS.sub("", b)


def within_edits(a: str, b: str, limit: int = 2) -> bool:
    """Levenshtein distance ≤ ``limit``, names that differ only in their numbers excepted.
    Hand-written (banded, ~15 lines) to avoid a dependency for one short-string check."""
    if abs(len(a) - len(b)) > limit or _numbers_only(a, b):
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def describe_difference(vendor: str, product: str, nvd_vendor: str, nvd_product: str) -> str:
    """``"vendor 'lwip' vs NVD 'lwip_project'"`` (and/or the same for the product)."""
    notes = []
    if vendor != nvd_vendor:
        notes.append(f"vendor '{vendor}' vs NVD '{nvd_vendor}'")
    if product != nvd_product:
        notes.append(f"product '{product}' vs NVD '{nvd_product}'")
    return "; ".join(notes)


def _escape_version(version: str | None) -> str:
    if not version:
        return "*"
    return _ESCAPE.sub(lambda m: "\\" + m.group(), version.strip()) or "*"


def _vendor_hit(vendor: str, owner: frozenset[str], name: frozenset[str]) -> bool:
    vt = tokens(vendor)
    return bool(vt) and (bool(vt & owner) or vt <= name)


def _candidate(
    pair: tuple[str, str], name: frozenset[str], owner: frozenset[str]
) -> tuple[float, Confidence, str] | None:
    vendor, product = pair
    pt = tokens(product)
    if not pt or not pt <= name:
        return None  # every word of NVD's product name must appear in the component's name
    whole = pt == name
    vendor_hit = _vendor_hit(vendor, owner, name)
    if not (whole or vendor_hit or len(pt) >= 2):
        return None  # one shared generic word ("viewer", "server") is not evidence
    if whole and vendor_hit:
        confidence = Confidence.HIGH
    elif whole or vendor_hit:
        confidence = Confidence.MEDIUM
    else:
        confidence = Confidence.LOW
    reason = f"name matches NVD product '{product}'" if whole else f"name contains '{product}'"
    if vendor_hit:
        reason += f"; supplier/name matches vendor '{vendor}'"
    return len(pt) / len(name) + (1.0 if vendor_hit else 0.0), confidence, reason


def suggest_cpes(
    component: Component, index: VulnIndex, limit: int = 3
) -> tuple[CpeSuggestion, ...]:
    """Up to ``limit`` CPEs from the index's vendor:product vocabulary that fit the component's
    name and supplier, best first. Hints for a human, never used for matching."""
    name = tokens(component.name)
    if not name:
        return ()
    owner = tokens(" ".join(x for x in (component.supplier, component.group) if x))
    pairs: set[tuple[str, str]] = set()
    for token in name:
        pairs |= index.products_with_token(token)
    scored = []
    for pair in pairs:
        found = _candidate(pair, name, owner)
        if found is not None:
            scored.append((-found[0], _CONFIDENCE_RANK[found[1]], pair, found[1], found[2]))
    scored.sort()
    version = _escape_version(component.version)
    out = []
    for _, _, (vendor, product), confidence, reason in scored[:limit]:
        part = index.part_of(vendor, product)
        cpe = f"cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*"
        out.append(CpeSuggestion(cpe=cpe, confidence=confidence, reason=reason))
    return tuple(out)
