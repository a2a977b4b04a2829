"""The whole vers-spec test suite (2,701 cases) against Hemostat's version ordering and vers code.

Every case runs; the schemes Hemostat has no ordering for are skipped with the reason below, and
the test at the end checks that nothing else is skipped, so a silently growing gap fails.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hemostat.match.versions import VersionError, version_key
from hemostat.match.versions_vers import normalize_vers, parse_vers, vers_contains, vers_from_native

# Schemes with no ordering in Hemostat: none is an OSV ecosystem Hemostat matches against.
SKIPPED = {
    "conan": "ConanCenter versions are not ordered by Hemostat (no OSV/NVD data uses them)",
    "alpm": "Arch Linux (alpm) is not an OSV ecosystem; its vercmp differs from rpmvercmp",
    "datetime": "vers:datetime is not used by any advisory source Hemostat reads",
}
EXPECTED_SKIPS = {"conan": 276, "alpm": 42, "datetime": 11}
EXPECTED_TOTAL = 2701


def _cases(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((folder / "tests").glob("*.json")):
        out.extend((path.name, case) for case in json.loads(path.read_text())["tests"])
    return out


def _scheme(case: dict[str, Any]) -> str:
    inp = case["input"]
    if isinstance(inp, str):
        return inp[5:].partition("/")[0]
    return str(inp.get("input_scheme") or inp.get("scheme") or inp["vers"][5:].partition("/")[0])


def _ordering(case: dict[str, Any]) -> bool:
    scheme, versions = case["input"]["input_scheme"], case["input"]["versions"]
    if case["test_type"] == "equality":
        return (version_key(scheme, versions[0]) == version_key(scheme, versions[1])) is case[
            "expected_output"
        ]
    got = sorted(versions, key=lambda v: version_key(scheme, v))
    want = case["expected_output"]
    # expected outputs may be normalized spellings ("1.0.0-BETA" → "1.0.0-beta"): compare keys
    return [version_key(scheme, v) for v in got] == [version_key(scheme, v) for v in want]


def _parse(case: dict[str, Any]) -> bool:
    vers = parse_vers(case["input"])
    got = {"scheme": vers.scheme, "version_constraints": [list(c) for c in vers.constraints]}
    return bool(got == case["expected_output"])


RUNNERS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "comparison": _ordering,
    "equality": _ordering,
    "parse": _parse,
    "validate": lambda c: normalize_vers(c["input"]) == c["expected_output"],
    "containment": lambda c: (
        vers_contains(parse_vers(c["input"]["vers"], strict=False), c["input"]["version"])
        is c["expected_output"]
    ),
    "from_native": lambda c: (
        vers_from_native(c["input"]["scheme"], c["input"]["native_range"]) == c["expected_output"]
    ),
}


def _run(case: dict[str, Any]) -> bool:
    try:
        ok = RUNNERS[case["test_type"]](case)
    except VersionError:
        return bool(case.get("expected_failure"))
    return ok and not case.get("expected_failure")


def test_vers_spec_suite(shared_data: Callable[[str], Path]) -> None:
    cases = _cases(shared_data("vers-spec-tests"))
    assert len(cases) == EXPECTED_TOTAL
    skipped: Counter[str] = Counter()
    failures = []
    passed = Counter[str]()
    for name, case in cases:
        scheme = _scheme(case)
        if scheme in SKIPPED:
            skipped[scheme] += 1
            continue
        if _run(case):
            passed[case["test_type"]] += 1
        else:
            failures.append((name, case["input"], case.get("expected_output")))
    assert failures == []
    assert dict(skipped) == EXPECTED_SKIPS
    # comparison/equality: maven 977, apk 716, gentoo 48, openssl 44, nuget 33, lexicographic 8
    assert passed == Counter(
        comparison=1691, equality=135, from_native=508, validate=19, parse=8, containment=11
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vers:npm/>=1.0.0| <2.0.0", "whitespace"),
        ("vers:npm/|>=1.0.0|<2.0.0", "stray"),
        ("vers:npm/>=1.0.0||<2.0.0", "stray"),
        ("vers:npm/>=2.0.0|<1.0.0", "not sorted"),
        ("vers:npm/1.0%2G0", "percent"),
        ("vers:npm/=1.0.0", "implied"),
        ("vers:npm/*|1.0.0", "only constraint"),
        ("vers:nosuch/1.0", "unsupported"),
        ("pkg:npm/1.0", "not a vers"),
    ],
)
def test_strict_parse_refuses_non_canonical(text: str, message: str) -> None:
    with pytest.raises(VersionError, match=message):
        parse_vers(text)


def test_normalize_sorts_strips_and_round_trips_percent_encoding() -> None:
    assert normalize_vers("vers:NPM/ <2.0.0 | >=1.0.0 |") == "vers:npm/>=1.0.0|<2.0.0"
    assert parse_vers("vers:npm/1.0%252F0").constraints == (("=", "1.0%2F0"),)
    assert parse_vers("vers:npm/1.0%252F0").to_string() == "vers:npm/1.0%252F0"
