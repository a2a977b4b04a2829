"""Package URL (purl) parsing and canonical form, per ECMA-427 and the registered type definitions.

Hand-written split-based parser: packageurl-python parses ~28k purls/s (more than the JSON parse of
the SBOM around them, PERFORMANCE.md) and its canonical strings leave '/' unencoded in qualifier
values (53 purl-spec failures). It stays in the tests as the correctness oracle.

Parsing follows the spec's "how to parse" steps with these documented choices:
* the subpath is split off at the last '#', qualifiers at the first '?' (a raw '?' is far more
  likely inside a URL-valued qualifier than in a name or version; packageurl-python does the same);
* input may be lenient (upper-case type, scheme or qualifier keys, ``pkg://``, unencoded
  characters, empty ``&&`` pairs); output is always canonical;
* invalid input raises ``PurlError``: bad type, missing name, malformed percent-encoding, invalid
  or duplicate qualifier keys, '/' inside a decoded namespace or subpath segment, and the rules of
  the registered type definitions (namespace required/prohibited, required qualifiers, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote

__all__ = ["PurlError", "PurlParts", "build_purl", "normalize_purl", "purl_parts"]

Qualifiers = tuple[tuple[str, str], ...]


class PurlError(ValueError):
    """A string that is not a valid purl."""


# Type rules from purl-spec types/*-definition.json (and gitlab, which has no definition yet).
# type:flags -- R namespace required, P namespace prohibited; n, N, v: namespace, name, version are
# case-insensitive ("case_sensitive": false), so "the canonical form shall be lowercased".
_TYPE_TABLE = """
    alpm:RnN apk:RnN bazel:P bitbucket:RnN bitnami:PN brew:nN cargo:P chrome-extension:PN
    cocoapods:P composer:RnN conda:P cran:P deb:RnN gem:P git:R github:RnN gitlab:nN golang:R
    hackage:P hex:nN huggingface:Rv julia:P luarocks:nN maven:R mlflow:P nuget:P oci:PNv opam:P
    otp:PN pub:PN pypi:PNv qpkg:Rn rpm:Rn swift:R vcpkg:P vscode-extension:RnNv yocto:n
"""
_TYPE_FLAGS = dict(item.split(":") for item in _TYPE_TABLE.split())
_NS_REQUIRED = frozenset(t for t, f in _TYPE_FLAGS.items() if "R" in f)
_NS_PROHIBITED = frozenset(t for t, f in _TYPE_FLAGS.items() if "P" in f)
_LOWER_NS = frozenset(t for t, f in _TYPE_FLAGS.items() if "n" in f)
_LOWER_NAME = frozenset(t for t, f in _TYPE_FLAGS.items() if "N" in f)
_LOWER_VERSION = frozenset(t for t, f in _TYPE_FLAGS.items() if "v" in f)
_REQUIRED_QUALIFIER = {"julia": "uuid", "swid": "tag_id"}
_SPECIAL = frozenset(["julia", "swid", "cpan", "chrome-extension"])
_NAME_RULES = _LOWER_NAME | {"hackage", "pub", "mlflow"}

_TYPE_RE = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*")
_KEY_RE = re.compile(r"[a-z][a-z0-9.\-_]*")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SAFE = re.compile(r"[A-Za-z0-9.\-_~:]*")  # never percent-encoded (':' included, per ECMA-427)
_SAFE_PCT = re.compile(r"[A-Za-z0-9.\-_~:%]*")
_UNSAFE = re.compile(r"[^A-Za-z0-9.\-_~:]")
_CHROME_ID = re.compile(r"[a-p]{32}")
_CHROME_VERSION = re.compile(r"\d+(\.\d+){0,3}")
_PUB_INVALID = re.compile(r"[^a-z0-9]")


Parts = tuple[str, str | None, str, str | None, Qualifiers, str | None]


@dataclass(frozen=True, slots=True)
class PurlParts:
    """Decoded, normalized purl components; qualifiers sorted by key, empty values dropped."""

    type: str
    namespace: str | None
    name: str
    version: str | None
    qualifiers: Qualifiers
    subpath: str | None

    def qualifier(self, key: str) -> str | None:
        return dict(self.qualifiers).get(key)

    def to_string(self) -> str:
        """The canonical purl string."""
        return _format(
            (self.type, self.namespace, self.name, self.version, self.qualifiers, self.subpath)
        )


def _pct(match: re.Match[str]) -> str:
    return quote(match.group(), safe="")


def _enc(text: str) -> str:
    if _SAFE.fullmatch(text):
        return text
    if "%" not in text:  # the common unsafe case is a URL in a qualifier: only '/' to encode
        slashed = text.replace("/", "%2F")
        if _SAFE_PCT.fullmatch(slashed):
            return slashed
    return _UNSAFE.sub(_pct, text)


def _enc_path(text: str) -> str:
    return "/".join(map(_enc, text.split("/")))


def _format(parts: Parts) -> str:
    type_, ns, name, version, quals, subpath = parts
    out = "pkg:" + type_ + "/"
    if ns is not None:
        out += _enc_path(ns) + "/"
    out += _enc_path(name) if type_ == "git" else _enc(name)
    if version is not None:
        out += "@" + _enc(version)
    if quals:
        out += "?" + "&".join([k + "=" + _enc(v) for k, v in quals])
    if subpath is not None:
        out += "#" + _enc_path(subpath)
    return out


def _dec(text: str, what: str) -> str:
    if "%" not in text:
        return text
    if _BAD_PERCENT.search(text):
        raise PurlError(f"malformed percent-encoding in {what}: {text!r}")
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise PurlError(f"percent-encoding in {what} is not UTF-8: {text!r}") from None


def _segments(raw: str, what: str, *, drop_dots: bool = False) -> str | None:
    """Decode the '/'-separated ``raw``, dropping empty (and '.', '..') segments."""
    if "%" not in raw and not drop_dots:
        return "/".join([s for s in raw.split("/") if s]) or None
    out = []
    for seg in raw.split("/"):
        dec = _dec(seg, what)
        if not dec or (drop_dots and dec in (".", "..")):
            continue
        if "/" in dec:
            raise PurlError(f"a {what} segment may not contain '/': {dec!r}")
        out.append(dec)
    return "/".join(out) or None


def _qualifiers(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in raw.split("&"):
        key, sep, value = pair.partition("=")
        if not sep:
            if not pair:
                continue  # tolerate "a=1&&b=2" and a trailing '&'
            raise PurlError(f"qualifier {pair!r} is not key=value")
        key = key.lower()
        if not _KEY_RE.fullmatch(key):
            raise PurlError(f"invalid qualifier key {key!r}")
        if key in found:
            raise PurlError(f"duplicate qualifier key {key!r}")
        found[key] = _dec(value, "qualifier value")
    return found


def _parse(text: str) -> Parts:
    """Split per the spec's parse steps, decode, then apply the type rules."""
    scheme, sep, rest = text.strip().partition(":")
    if not sep or scheme.lower() != "pkg":
        raise PurlError('a purl must start with "pkg:"')
    rest, _, subpath = rest.rpartition("#") if "#" in rest else (rest, "", "")
    rest, _, quals = rest.partition("?")
    type_, sep, rest = rest.lstrip("/").partition("/")
    if not _TYPE_RE.fullmatch(type_):
        raise PurlError(f"invalid purl type {type_!r}")
    if not sep:
        raise PurlError("a purl needs a name after the type")
    type_ = type_.lower()
    scope = ""
    if type_ == "npm" and rest.startswith("@"):  # unencoded npm scope: '@' is not the version
        scope, _, rest = rest.partition("/")
    rest, at, version = rest.rpartition("@")
    if not at:
        rest, version = version, ""
    elif rest.endswith("/"):  # "ns/@1.0": the suite (swift) wants an error, not a stripped name
        raise PurlError("a purl needs a name before '@'")
    rest = rest.rstrip("/")
    if type_ == "git":  # git: the namespace is the host only, the name is the rest of the path
        ns_raw, _, name = rest.lstrip("/").partition("/")
        name = _segments(name, "name") or ""
    else:
        ns_raw, _, name = rest.rpartition("/")
        name = _dec(name, "name")
    if scope:
        ns_raw = f"{scope}/{ns_raw}"
    return _normalize(
        type_,
        _segments(ns_raw, "namespace") if ns_raw else None,
        name,
        _dec(version, "version") or None,
        _qualifiers(quals) if quals else {},
        sub=_segments(subpath, "subpath", drop_dots=True) if subpath else None,
    )


def build_purl(
    type: str,
    namespace: str | None,
    name: str | None,
    version: str | None = None,
    *,
    qualifiers: dict[str, str] | None = None,
    subpath: str | None = None,
) -> PurlParts:
    """Normalize and validate decoded components (the spec's "build" operation)."""
    if not type or not _TYPE_RE.fullmatch(type):
        raise PurlError(f"invalid purl type {type!r}")
    quals: dict[str, str] = {}
    for key, value in (qualifiers or {}).items():
        k = key.lower()
        if not _KEY_RE.fullmatch(k):
            raise PurlError(f"invalid qualifier key {key!r}")
        if k in quals:
            raise PurlError(f"duplicate qualifier key {key!r}")
        quals[k] = value
    ns = "/".join(s for s in (namespace or "").split("/") if s) or None
    sub = "/".join(s for s in (subpath or "").split("/") if s not in ("", ".", "..")) or None
    nm = (name or "").strip("/")
    return PurlParts(*_normalize(type.lower(), ns, nm, version or None, quals, sub=sub))


def _normalize(
    t: str,
    ns: str | None,
    name: str,
    version: str | None,
    quals: dict[str, str],
    *,
    sub: str | None,
) -> Parts:
    """Apply the type's case rules and checks to decoded components."""
    if ns is None:
        if t in _NS_REQUIRED:
            raise PurlError(f"a {t} purl needs a namespace")
    elif t in _NS_PROHIBITED:
        raise PurlError(f"a {t} purl has no namespace, got {ns!r}")
    elif t in _LOWER_NS:
        ns = ns.lower()
    elif t == "cpan":
        ns = ns.upper()  # CPAN author IDs "shall be uppercase"
    if not name:
        raise PurlError("a purl needs a name")
    if t in _NAME_RULES:
        name = _norm_name(t, name, quals)
    if version is not None and t in _LOWER_VERSION:
        version = version.lower()
    if t in _SPECIAL:
        _check_special(t, name, version, quals)
    if not quals:
        return t, ns, name, version, (), sub
    return t, ns, name, version, tuple(sorted([kv for kv in quals.items() if kv[1]])), sub


def _norm_name(t: str, name: str, quals: dict[str, str]) -> str:
    if t in _LOWER_NAME:
        name = name.lower()
    if t in ("pypi", "hackage"):
        return name.replace("_", "-")
    if t == "pub":
        return _PUB_INVALID.sub("_", name)
    if t == "mlflow" and "databricks" in quals.get("repository_url", "").lower():
        return name.lower()  # Databricks model names are case-insensitive, Azure ML ones are not
    return name


def _check_special(t: str, name: str, version: str | None, quals: dict[str, str]) -> None:
    required = _REQUIRED_QUALIFIER.get(t)
    if required and not quals.get(required):
        raise PurlError(f"a {t} purl needs the {required!r} qualifier")
    if t == "cpan" and "::" in name:
        raise PurlError(f"a cpan purl names a distribution, not a module: {name!r}")
    if t == "chrome-extension":
        if not _CHROME_ID.fullmatch(name):
            raise PurlError(f"a chrome-extension id is 32 letters a-p, got {name!r}")
        if version is not None and not _CHROME_VERSION.fullmatch(version):
            raise PurlError(f"a chrome-extension version is 1-4 numbers, got {version!r}")


@lru_cache(maxsize=262_144)
def purl_parts(text: str) -> PurlParts:
    """Parse ``text`` into normalized components or raise ``PurlError`` saying what is wrong."""
    return PurlParts(*_parse(text))


@lru_cache(maxsize=262_144)
def normalize_purl(text: str) -> str:
    """Return the canonical form of ``text`` or raise ``PurlError`` saying what is wrong."""
    return _format(_parse(text))
