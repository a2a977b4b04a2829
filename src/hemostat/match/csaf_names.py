"""Vendor and product names as hospitals and vendors write them, compared for device-model
matching: "BD" vs "Becton, Dickinson and Company (BD)", "Philips" vs "Phillips", "Alaris PC
Unit" model 8015 vs "Alaris 8015 PC unit" (but not "Alaris 8000 PC unit").

Hand-written: the rules are about device naming (corporate suffixes, model designators), which
no general fuzzy-matching library knows; they are deliberately conservative and every match says
why and how sure it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from hemostat.domain.finding import Confidence
from hemostat.match.suggest import within_edits

__all__ = ["Fit", "Name", "Vendor", "product_fit", "vendor_fit"]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CORPORATE = _wordset(
    "inc incorporated ltd limited llc lp gmbh ag kg kgaa sa bv nv plc co corp corporation"
    " company companies the and of medical healthcare health systems technologies technology"
    " group holdings international laboratories labs solutions se oy ab spa srl pty kk"
)
_FILLER = _wordset(
    "a an the and or with of for in on by to model models version versions series software"
    " firmware only including all type rev revision"
)
# Words that name a kind of device, not a model: a match on one of them alone means nothing.
_GENERIC = _wordset(
    "monitor monitors pump pumps unit units system systems station server workstation platform"
    " module hub client app application patient infusion portal controller device devices reader"
    " gateway manager cloud programmer recorder scanner generator interface display center"
)
_WORD = re.compile(r"[a-z0-9]+")
_CHUNK = re.compile(r"[^\s/,;:()\[\]+|&]+")
_PAREN = re.compile(r"\(([^()]*)\)")
_VENDOR_SPLIT = re.compile(r"\s*[,;/]\s*")


@dataclass(frozen=True, slots=True)
class Fit:
    confidence: Confidence
    reason: str
    exact: bool = False  # the whole name (or the model number and name) hit, not a part of it


@dataclass(frozen=True, slots=True)
class Vendor:
    """A vendor or manufacturer name: its significant words, their initials, explicit aliases."""

    text: str
    words: tuple[str, ...]
    aliases: frozenset[str]  # written in parentheses: "(BD)" → "bd"
    initials: str  # of several words: "Becton Dickinson" → "bd"

    @property
    def joined(self) -> str:
        return "".join(self.words)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("'", ""))


@lru_cache(maxsize=4096)
def vendor_of(text: str) -> Vendor:
    plain = text.replace(".", "")  # "B.V." is "BV", "St. Jude" "St Jude"
    aliases = frozenset(a for m in _PAREN.findall(plain) if (a := "".join(_words(m))))
    words = tuple(w for w in _words(_PAREN.sub(" ", plain)) if w not in _CORPORATE)
    initials = "".join(w[0] for w in words) if len(words) > 1 else ""
    return Vendor(text, words, aliases, initials)


def _subset(maker: Vendor, vendor: Vendor) -> bool:
    """One name's words within the other's ("Braun" in "B. Braun Melsungen"), when the smaller
    one is not a stray letter or two ("B") unless it leads the larger ("GE")."""
    small, large = sorted((maker.words, vendor.words), key=len)
    return set(small) <= set(large) and (len("".join(small)) >= 3 or large[0] in small)


def _one_vendor(maker: Vendor, vendor: Vendor) -> Fit | None:
    if not maker.words or not vendor.words:
        return None
    if maker.joined == vendor.joined or _subset(maker, vendor):
        return Fit(Confidence.HIGH, "")
    if maker.joined in vendor.aliases or vendor.joined in maker.aliases:
        return Fit(Confidence.HIGH, f"'{maker.text}' is '{vendor.text}'")
    if maker.joined == vendor.initials or vendor.joined == maker.initials:
        return Fit(Confidence.MEDIUM, f"'{maker.text}' read as the initials of '{vendor.text}'")
    if min(len(maker.joined), len(vendor.joined)) >= 6 and within_edits(
        maker.joined, vendor.joined, 1
    ):
        return Fit(Confidence.MEDIUM, f"manufacturer '{maker.text}' vs vendor '{vendor.text}'")
    return None


def vendor_fit(manufacturer: str, vendor: str) -> Fit | None:
    """Does the manufacturer name the advisory's vendor? Several vendors ("BMC Medical, 3B
    Medical") are tried one by one."""
    maker = vendor_of(manufacturer)
    names = [vendor, *(p for p in _VENDOR_SPLIT.split(vendor) if p != vendor)]
    fits = [f for n in names if n and (f := _one_vendor(maker, vendor_of(n))) is not None]
    return min(fits, key=lambda f: f.confidence != Confidence.HIGH, default=None)


@dataclass(frozen=True, slots=True)
class Name:
    """A product name as words ("pc", "unit"), the set a word may be found in (words, hyphenless
    joins, adjacent pairs: "endosurgery", "pcunit"), and model designators (words with digits)."""

    words: tuple[str, ...]
    found: frozenset[str]
    designators: frozenset[str]


@lru_cache(maxsize=1 << 15)
def name_of(text: str, drop: frozenset[str] = frozenset()) -> Name:
    """``drop``: vendor words to ignore ("BD Alaris PC Unit" is "Alaris PC Unit" for BD)."""
    words: list[str] = []
    found: set[str] = set()
    for chunk in _CHUNK.findall(text.lower().replace("'", "")):
        parts = [p for p in _WORD.findall(chunk) if p not in drop]
        joined = "".join(parts)
        if not joined or joined in _FILLER:
            continue
        words.append(joined)
        found.update([joined, *parts])
    if not words and drop:  # the vendor's own name ("OpenClinic GA" by OpenClinic GA)
        return name_of(text)
    found.update(a + b for a, b in pairwise(words))
    # model designators: "8015", "mx40", "vlft10gen"; not "2" or "40" (generations, sizes)
    designators = frozenset(w for w in words if len(w) > 2 and any(c.isdigit() for c in w))
    return Name(tuple(dict.fromkeys(words)), frozenset(found), designators)


def model_key(model_number: str | None) -> str:
    """A model number compared without case or separators ("MMT-500" is "mmt500")."""
    return "".join(_words(model_number or ""))


def _meaningful(words: tuple[str, ...]) -> bool:
    """Some word says which model: it has a digit, or is not a generic device word ("Patient
    Monitor" alone names no model)."""
    return any(any(c.isdigit() for c in w) or (w not in _GENERIC and len(w) > 1) for w in words)


def product_fit(model: Name, number: str, csaf: Name) -> Fit | None:
    """Does a device model (name words, model number key) name the advisory's product?"""
    own = model.designators | ({number} if number else set())
    if csaf.designators and own and not own & csaf.found:
        return None  # "Alaris PC Unit" 8015 is not "Alaris 8000 PC unit"
    number_hit = len(number) >= 2 and number in csaf.found
    name_in = all(w in csaf.found for w in model.words) and _meaningful(model.words)
    csaf_in = all(w in model.found for w in csaf.words) and _meaningful(csaf.words)
    if number_hit and (name_in or csaf_in or not model.words or set(model.words) & csaf.found):
        return Fit(Confidence.HIGH, f"model number {number} and name", exact=True)
    if number_hit and len(number) >= 3:
        return Fit(Confidence.MEDIUM, f"model number {number}; the names differ")
    if not (name_in or csaf_in):
        return None
    if csaf.designators and not own:
        named = ", ".join(sorted(csaf.designators))
        reason = f"advisory names model {named}; no model number to compare"
        return Fit(Confidence.MEDIUM, reason, exact=name_in and csaf_in)
    return Fit(Confidence.HIGH, "name", exact=name_in and csaf_in)
