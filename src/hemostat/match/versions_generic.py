"""Keys for versions without an ecosystem: NVD/CPE version strings (incl. OpenSSL letter releases)
and plain lexicographic ordering.

Hand-written: NVD versions follow no single scheme, and no library orders "1.1.1k" < "1.1.1w" <
"3.0.0", "v2.1" == "2.1" == "2.1.0", "1.0-rc1" < "1.0" and "0.9.6" < "0.9.6-cvs" < "0.9.6a" together
(univers' OpenSSL class refuses non-OpenSSL strings). Validated on univers-testdata's OpenSSL order.
"""

from __future__ import annotations

import re

from hemostat.match.versions_common import Key, VersionError, check_text, padded

_TOKENS = re.compile(r"(\d+)|([a-z]+)|([^a-z0-9]+)")
# Words that mark a pre-release when written after a separator or glued to a number.
_PRE_RANK = {"dev": 0, "snapshot": 1, "alpha": 2, "beta": 3, "milestone": 4, "pre": 5}
_PRE_RANK.update(preview=5, rc=6, cr=6)
# Single letters that are pre-release markers only when a number follows at once ("1.0b2").
_PRE_LETTER = {"a": 2, "b": 3, "m": 4, "c": 6}
_RELEASE_WORDS = frozenset({"final", "ga", "release", "stable"})  # equal to no suffix at all
# Payload ranks at one position: pre-release < release word < other word < letter < number.
_PRE, _NULL, _WORD, _LETTER, _NUM = range(5)


def _word(word: str, glued: bool, after_letter: bool, next_is_num: bool) -> tuple[int, Key]:
    if after_letter:  # OpenSSL "1.0.2zc-dev": development line after a lettered release
        return (1, (_WORD, word))
    if word in _PRE_RANK:
        return (-1, (_PRE, _PRE_RANK[word]))
    if word in _PRE_LETTER and next_is_num:
        return (-1, (_PRE, _PRE_LETTER[word]))
    if word in _RELEASE_WORDS:
        return (0, (_NULL, 0))
    if glued:  # OpenSSL-style letter release "1.1.1k" sorts after "1.1.1"
        return (1, (_LETTER, word))
    return (1, (_WORD, word))


def nvd_version_key(version: str) -> Key:
    """Generic ordering for NVD/CPE versions: numeric and alphabetic runs, other characters
    separate; missing trailing numbers count as 0; a leading ``v`` is ignored."""
    text = check_text(version).lower().replace("\\", "")
    if text[:1] == "v" and text[1:2].isdigit():
        text = text[1:]
    tokens = [(m.group(1), m.group(2)) for m in _TOKENS.finditer(text)]
    items: list[tuple[int, Key]] = []
    glued = after_letter = False  # previous token is a number / last item is a letter release
    for i, (digits, word) in enumerate(tokens):
        if digits:
            number = int(digits)
            items.append((1 if number else 0, (_NUM, number)))
            glued, after_letter = True, False
        elif word:
            nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
            item = _word(word, glued, after_letter, bool(nxt))
            items.append(item)
            glued, after_letter = False, item[1][0] == _LETTER
        else:
            glued = False
    if not items:
        raise VersionError(f"no digits or letters in version {version!r}")
    return padded(items)


def lexicographic_key(version: str) -> Key:
    """``vers:lexicographic``: UTF-8 byte order, no normalization."""
    if not version:
        raise VersionError("empty version")
    return (version.encode("utf-8"),)
