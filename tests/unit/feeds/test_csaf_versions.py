"""Version names as vendors write them in CSAF product trees, read as normalized ranges; and the
CSAF 2.0 6.1.31 pattern test (operators anywhere, keywords as whole words, as secvisogram)."""

from __future__ import annotations

import pytest

from hemostat.domain.csaf_rules import has_version_range
from hemostat.feeds.csaf_versions import interpret, is_range

READINGS = [
    # exact versions, as they are
    ("4.3", "4.3"),
    ("B.06.18", "B.06.18"),
    ("012U000040", "012U000040"),
    ("openshift4/ose-hive:v4.6.0-2021", "openshift4/ose-hive:v4.6.0-2021"),
    # operators (CISA's product_version_range names)
    ("<= 4.2", "<=4.2"),
    ("< 8.2.2", "<8.2.2"),
    ("<=N", "<=N"),
    (">= 4.01 | <= 4.34", ">=4.01|<=4.34"),
    ("<= U61 |<= L81", "<=U61|<=L81"),
    ("<= 2.01 (end-of-life Nov 2017)", "<=2.01"),
    # all versions
    ("vers:all/*", "*"),
    ("All versions", "*"),
    ("all", "*"),
    ("* (end-of-life 2011)", "*"),
    # vers strings
    ("vers:generic/>=2.9|<=4.1", ">=2.9|<=4.1"),
    ("vers:generic/=1.0", "1.0"),
    # English phrases
    ("prior to 3.1", "<3.1"),
    ("before 4.2", "<4.2"),
    ("All versions prior to 1.7", "<1.7"),
    ("4.1 and earlier", "<=4.1"),
    ("2.3.6 and  below", "<=2.3.6"),
    ("Versions 4.2 and prior", "<=4.2"),
    ("4.2 and later", ">=4.2"),
    ("5.0+", ">=5.0"),
    ("1.0 through 2.3", ">=1.0|<=2.3"),
    ("between 1.0 and 2.0", ">=1.0|<=2.0"),
    # wildcards
    ("3.x", ">=3|<4"),
    ("3.X versions", ">=3|<4"),
    ("12.2.x.x", ">=12.2|<12.3"),
    ("<= 11.x", "<12"),
    ("< 3.x", "<3"),
    ("4.X | 5.X", ">=4|<5|>=5|<6"),
    ("v9.x (with Wireless Battery Module >= v22D19 | <= v22D28)", ">=9|<10"),
    # lists of exact versions
    ("1.1 | 1.2 | 1.4", "1.1|1.2|1.4"),
    ("2131 and 2141", "2131|2141"),
    # not readable: dates, model names, free text
    ("<  july 1 2017", ""),
    ("distributed  < april 1, 2018", ""),
    ("A10 < A11", ""),
    ("Rev B-M", ""),
    ("Version A, Firmware A.03.09", ""),
    ("<=11.2 on Windows 8.1 with IIS 7.5", ""),
    ("", ""),
]


@pytest.mark.parametrize(("name", "expected"), READINGS)
def test_interpret(name: str, expected: str) -> None:
    assert interpret(name) == expected


def test_is_range() -> None:
    assert is_range("*") and is_range("<4.2") and is_range(">=1|<2")
    assert not is_range("4.2") and not is_range("1.1|1.2") and not is_range("")


@pytest.mark.parametrize(
    ("name", "fails"),
    [
        # the CSAF 2.0 TC's own 6.1.31 cases (01-09 fail, 11-12 pass)
        ("prior to 4.2", True),
        ("<4.2", True),
        ("<=4.1", True),
        ("<= 4.1", True),
        ("4.1 and earlier", True),
        ("all", True),
        ("before 4.2", True),
        ("4.2 and later", True),
        ("3.X versions", True),
        ("after-eight", False),
        ("4.2", False),
        # CISA's names: not failures by the CSAF 2.0 text
        ("vers:all/*", False),
        ("12.x", False),
        ("with option (shipped between 2017 through 2018)", False),
    ],
)
def test_6_1_31_patterns(name: str, fails: bool) -> None:
    assert has_version_range(name) is fails
