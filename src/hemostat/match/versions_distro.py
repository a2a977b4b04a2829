"""Keys for distribution package versions: Debian/Ubuntu (dpkg), RPM (rpmvercmp), Alpine (apk).

Each algorithm is re-expressed as a plain tuple key so that comparisons after the first parse are
tuple compares (univers implements them as pairwise ``cmp`` functions at ~50k checks/s); univers
and the rpmvercmp/dpkg/apk test vectors in univers-testdata are the oracle.
"""

from __future__ import annotations

import re

from hemostat.match.versions_common import Key, VersionError, padded

# --- Debian (dpkg verrevcmp) -------------------------------------------------------------------
_DEB = re.compile(r"^(?:(?P<epoch>\d+):)?(?P<rest>[0-9][A-Za-z0-9.+~:-]*)$")
_DEB_REVISION = re.compile(r"^[A-Za-z0-9.+~]+$")
_DEB_PARTS = re.compile(r"(\D*)(\d*)")


def _deb_chars(text: str) -> str:
    """dpkg ``order()`` as a string that compares like it: ``~`` sorts before the end of the
    string, letters before every other character (encoded as code points shifted past ASCII)."""
    return "".join(
        "\x01" if ch == "~" else chr(ord(ch) + (0x100 if ch.isalpha() else 0x200)) for ch in text
    )


def _deb_part(text: str) -> Key:
    items: list[tuple[int, Key]] = []
    for m in _DEB_PARTS.finditer(text):
        alpha, digits = m.group(1), m.group(2)
        if not alpha and not digits:
            continue
        number = int(digits) if digits else 0
        null_cmp = (-1 if alpha[0] == "~" else 1) if alpha else (1 if number else 0)
        items.append((null_cmp, (_deb_chars(alpha) + "\x02", number)))  # "\x02": end of part
    return padded(items)


def debian_key(version: str) -> Key:
    """``[epoch:]upstream[-revision]``; a missing revision equals ``0`` as in dpkg."""
    m = _DEB.match(version)
    if m is None:
        raise VersionError(f"not a Debian version: {version!r}")
    upstream, sep, revision = m["rest"].rpartition("-")
    if not sep:
        upstream, revision = revision, ""
    elif not revision or not _DEB_REVISION.match(revision) or not upstream[:1].isdigit():
        raise VersionError(f"not a Debian version: {version!r}")
    if ":" in upstream and m["epoch"] is None:
        raise VersionError(f"colon in a Debian version without an epoch: {version!r}")
    return (int(m["epoch"] or 0), _deb_part(upstream), _deb_part(revision))


# --- RPM (rpmvercmp) ---------------------------------------------------------------------------
# Token ranks at one position: "~" < end of string < "^" < alphabetic < numeric segment.
_TILDE, _END, _CARET, _ALPHA, _DIGIT = range(5)
_RPM_TOKENS = re.compile(r"(~)|(\^)|([A-Za-z]+)|(\d+)")


def rpmvercmp_key(text: str) -> Key:
    """rpmvercmp order of one version or release string (separators ignored), as a flat tuple of
    (rank, value) token pairs ended by the end-of-string token."""
    out: list[int | str] = []
    for m in _RPM_TOKENS.finditer(text):  # everything else is a separator
        if m.group(1):
            out += (_TILDE, 0)
        elif m.group(2):
            out += (_CARET, 0)
        elif m.group(3):
            out += (_ALPHA, m.group(3))
        else:
            out += (_DIGIT, int(m.group(4)))
    return (*out, _END, 0)


def rpm_key(version: str) -> Key:
    """``[epoch:]version[-release]`` compared epoch, then version, then release."""
    epoch, colon, rest = version.partition(":")
    if not colon:
        epoch, rest = "0", version
    if not epoch.isdigit() or not rest or not rest[0].isalnum():
        raise VersionError(f"not an RPM version: {version!r}")
    ver, _, release = rest.partition("-")
    return (int(epoch), rpmvercmp_key(ver), rpmvercmp_key(release))


# --- Alpine (apk / Gentoo-style) ---------------------------------------------------------------
_APK = re.compile(
    r"^(?P<nums>\d+(?:\.\d+)*)(?P<letter>[a-z]?)"
    r"(?P<suffixes>(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:-r(?P<rev>\d+))?$"
)
_APK_SUFFIX = re.compile(r"_([a-z]+)(\d*)")
# univers: alpha -4, beta -3, pre -2, rc -1, p 1; apk-tools puts cvs < svn < git < hg below p.
_APK_SUFFIX_VALUE = {"alpha": -4, "beta": -3, "pre": -2, "rc": -1}
_APK_SUFFIX_VALUE.update(cvs=1, svn=2, git=3, hg=4, p=5)


def _apk_component(text: str) -> tuple[int, int | str]:
    """A component with a leading zero compares as a decimal fraction (1.02 < 1.1)."""
    if text[0] == "0":
        return (0, text.rstrip("0"))
    return (1, int(text))


def alpine_key(version: str) -> Key:
    """apk version: dotted numbers, one letter, ``_suffix[N]`` list, ``-rN`` package revision."""
    m = _APK.match(version)
    if m is None:
        raise VersionError(f"not an Alpine version: {version!r}")
    nums = tuple(_apk_component(n) for n in m["nums"].split("."))
    letter = ord(m["letter"]) if m["letter"] else -1
    suffixes = tuple(
        (_APK_SUFFIX_VALUE[s.group(1)], int(s.group(2) or 0))
        for s in _APK_SUFFIX.finditer(m["suffixes"])
    )
    return (nums, letter, (*suffixes, (0, 0)), int(m["rev"] or 0))
