"""CPE 2.3 formatted strings: parse, validate, lower-case, and convert CPE 2.2 URIs (NISTIR 7695).

Hand-written (about 100 lines): the PyPI CPE packages are unmaintained or heavy, and we only need
the binding rules of NISTIR 7695 §6.1-6.2 and its formatted-string grammar (§6.2.2, Figure 6-3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from urllib.parse import unquote

__all__ = ["Cpe", "CpeError", "cpe22_to_23", "normalize_cpe", "parse_cpe"]


class CpeError(ValueError):
    """A string that is not a valid CPE 2.3 formatted string or CPE 2.2 URI."""


_PUNCT = r"\\\*\?!\"#$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~"
# An attribute: '*' (ANY), '-' (NA), or unreserved/escaped characters, wildcards only at the ends.
_AVSTRING = re.compile(rf"[*\-]|(\?*|\*?)([a-zA-Z0-9\-._]|\\[{_PUNCT}])+(\?*|\*?)")
_LANGUAGE = re.compile(r"[*\-]|[a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?")
_FIELD = re.compile(r"(?:\\.|[^\\:])*")  # up to the next unescaped ':'
_NEEDS_ESCAPE = re.compile(r"[^A-Za-z0-9\-._]")


@dataclass(frozen=True, slots=True)
class Cpe:
    """The 11 attributes of a CPE 2.3 name, as escaped, lower-case formatted-string values."""

    part: str
    vendor: str
    product: str
    version: str
    update: str
    edition: str
    language: str
    sw_edition: str
    target_sw: str
    target_hw: str
    other: str

    def to_string(self) -> str:
        return "cpe:2.3:" + ":".join(getattr(self, f.name) for f in fields(self))


def _split_fs(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while True:
        m = _FIELD.match(text, pos)
        assert m is not None  # the pattern matches the empty string
        out.append(m.group())
        pos = m.end()
        if pos >= len(text):
            return out
        if text[pos] != ":":  # only a lone trailing backslash stops the match elsewhere
            raise CpeError(f"dangling escape at the end of {text!r}")
        pos += 1
        if pos == len(text):
            out.append("")
            return out


def parse_cpe(text: str) -> Cpe:
    """Parse a CPE 2.3 formatted string or a CPE 2.2 URI; raise ``CpeError`` if invalid."""
    t = text.strip()
    if t[:5].lower() == "cpe:/":
        t = cpe22_to_23(t)
    values = _split_fs(t)
    if len(values) != 13 or values[0].lower() != "cpe" or values[1] != "2.3":
        raise CpeError(f"not a CPE 2.3 formatted string with 11 attributes: {text!r}")
    attrs = [v.lower() for v in values[2:]]
    if attrs[0] not in ("a", "o", "h", "*", "-"):
        raise CpeError(f"CPE part must be a, o or h, got {values[2]!r}")
    for i, value in enumerate(attrs[1:], start=1):
        ok = _LANGUAGE if i == 6 else _AVSTRING
        if not ok.fullmatch(value):
            raise CpeError(f"invalid CPE attribute {i + 1} {value!r} in {text!r}")
    return Cpe(*attrs)


@lru_cache(maxsize=65_536)
def normalize_cpe(text: str) -> str:
    """The lower-case CPE 2.3 formatted string for ``text`` (2.3 string or 2.2 URI)."""
    return parse_cpe(text).to_string()


def _uri_value(raw: str) -> str:
    """Unbind one URI component (NISTIR 7695 §6.1.3.2) and bind it as a formatted-string value."""
    if raw == "":
        return "*"
    if raw == "-":
        return "-"
    if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        raise CpeError(f"malformed percent-encoding in CPE URI component {raw!r}")
    # %01 and %02 are the URI's wildcards '?' and '*'; every other decoded punctuation is escaped.
    pieces = re.split(r"(%01|%02)", raw)
    out = []
    for piece in pieces:
        if piece == "%01":
            out.append("?")
        elif piece == "%02":
            out.append("*")
        else:
            out.append(_NEEDS_ESCAPE.sub(lambda m: "\\" + m.group(), unquote(piece)))
    return "".join(out)


def cpe22_to_23(uri: str) -> str:
    """Convert a CPE 2.2 URI (``cpe:/a:vendor:product:...``) to a CPE 2.3 formatted string."""
    if uri[:5].lower() != "cpe:/":
        raise CpeError(f"not a CPE 2.2 URI: {uri!r}")
    comps = uri[5:].split(":")
    if len(comps) > 7:
        raise CpeError(f"a CPE 2.2 URI has at most 7 components: {uri!r}")
    comps += [""] * (7 - len(comps))
    edition = comps[5]
    if edition.startswith("~"):  # packed: ~edition~sw_edition~target_sw~target_hw~other
        packed = edition[1:].split("~")
        if len(packed) != 5:
            raise CpeError(f"a packed CPE edition has 5 '~'-separated fields: {edition!r}")
        extended = packed
    else:
        extended = [edition, "", "", "", ""]
    values = [_uri_value(c) for c in comps[:5] + extended[:1] + comps[6:7] + extended[1:]]
    return "cpe:2.3:" + ":".join(values)
