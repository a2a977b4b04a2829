"""CPE 2.3 formatted strings and CPE 2.2 URIs: parse, escape handling, conversion, validation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hemostat.domain.cpe import Cpe, CpeError, cpe22_to_23, normalize_cpe, parse_cpe
from hemostat.ingest.common import clean_cpe

# The CPE 2.3 formatted-string regex published in NISTIR 7695 (Figure 6-3): an independent oracle.
NISTIR_FS = re.compile(
    r"cpe:2\.3:[aho\*\-](:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!\"#$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+"
    r"(\?*|\*?))|[\*\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))(:(((\?*|\*?)"
    r"([a-zA-Z0-9\-\._]|(\\[\\\*\?!\"#$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+(\?*|\*?))|[\*\-])){4}"
)


def test_escaped_colon_and_backslash_stay_inside_their_attribute() -> None:
    cpe = parse_cpe(r"cpe:2.3:a:foo\\:bar\:baz:1.0:*:*:*:*:*:*:*")
    assert cpe.vendor == r"foo\\"  # an escaped backslash, then the separator
    assert cpe.product == r"bar\:baz"  # an escaped colon is part of the product
    assert cpe.version == "1.0"
    assert cpe.to_string() == r"cpe:2.3:a:foo\\:bar\:baz:1.0:*:*:*:*:*:*:*"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("cpe:2.3:a:Microsoft:Internet_Explorer:8.0.6001:beta:*:*:*:*:*:*",
         "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"),
        (r"cpe:2.3:a:treck:tcp\/ip:*:*:*:*:*:*:*:*", r"cpe:2.3:a:treck:tcp\/ip:*:*:*:*:*:*:*:*"),
        (r"cpe:2.3:o:ricon:s9922l_firmware:16.10.3\(3794\):*:*:*:*:*:*:*",
         r"cpe:2.3:o:ricon:s9922l_firmware:16.10.3\(3794\):*:*:*:*:*:*:*"),
        ("cpe:2.3:a:x:y:1.*:*:*:EN-us:*:*:*:*", "cpe:2.3:a:x:y:1.*:*:*:en-us:*:*:*:*"),
        ("cpe:2.3:a:x:y:??1:-:*:*:*:*:*:*", "cpe:2.3:a:x:y:??1:-:*:*:*:*:*:*"),
        ("  CPE:2.3:H:Acme:Pump:-:*:*:*:*:*:*:*  ", "cpe:2.3:h:acme:pump:-:*:*:*:*:*:*:*"),
    ],
)  # fmt: skip
def test_normalize_23(text: str, want: str) -> None:
    assert normalize_cpe(text) == want
    assert NISTIR_FS.fullmatch(want)


@pytest.mark.parametrize(
    ("uri", "want"),
    [
        ("cpe:/a:openssl:openssl:3.0.11", "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*"),
        ("cpe:/o:Linux:Linux_Kernel", "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*"),
        ("cpe:/a:microsoft:ie:8.%02:sp%01", "cpe:2.3:a:microsoft:ie:8.*:sp?:*:*:*:*:*:*"),
        ("cpe:/a:foo%21bar:tcp%2fip:1.0:-", r"cpe:2.3:a:foo\!bar:tcp\/ip:1.0:-:*:*:*:*:*:*"),
        ("cpe:/a:hp:insight:7.4::~~online~win2003~x64~",
         "cpe:2.3:a:hp:insight:7.4:*:*:*:online:win2003:x64:*"),
        ("cpe:/a:x:y:1:u:e:en-us", "cpe:2.3:a:x:y:1:u:e:en-us:*:*:*:*"),
        ("CPE:/h:acme:pump", "cpe:2.3:h:acme:pump:*:*:*:*:*:*:*:*"),
    ],
)  # fmt: skip
def test_22_uri_converts_to_23(uri: str, want: str) -> None:
    assert normalize_cpe(uri) == want
    assert NISTIR_FS.fullmatch(want)


def test_cpe22_to_23_keeps_case_and_normalize_lowers_it() -> None:
    assert cpe22_to_23("cpe:/a:Acme:Pump") == "cpe:2.3:a:Acme:Pump:*:*:*:*:*:*:*:*"
    assert normalize_cpe("cpe:/a:Acme:Pump") == "cpe:2.3:a:acme:pump:*:*:*:*:*:*:*:*"


@pytest.mark.parametrize(
    "text",
    [
        "", "cpe", "cpe:2.2:a:x:y:1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1:*:*:*:*:*:*",
        "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*:*", "cpe:2.3:x:x:y:1:*:*:*:*:*:*:*",
        "cpe:2.3:a:x:y z:1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y!:1:*:*:*:*:*:*:*",
        "cpe:2.3:a:x:y:1*2:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1:*:*:english:*:*:*:*",
        "cpe:2.3:a::y:1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*\\",
        "cpe:/a:x:y:1:2:3:4:5", "cpe:/a:x:y:1::~a~b", "cpe:/a:x:y%zz", "cpe:/a:x:y:1%01%01x",
        "cpe:/a:x:y%20z", "pkg:npm/foo",
    ],
)  # fmt: skip
def test_invalid_cpes_raise_cpe_error(text: str) -> None:
    with pytest.raises(CpeError):
        normalize_cpe(text)


def test_parse_returns_all_eleven_attributes() -> None:
    cpe = parse_cpe("cpe:2.3:a:v:p:1:u:e:en:swe:tsw:thw:o")
    assert cpe == Cpe("a", "v", "p", "1", "u", "e", "en", "swe", "tsw", "thw", "o")


def test_clean_cpe_warns_and_drops_invalid() -> None:
    warnings: list[str] = []
    assert clean_cpe("cpe:/a:Acme:Pump:1.0", where="c1", warnings=warnings) == (
        "cpe:2.3:a:acme:pump:1.0:*:*:*:*:*:*:*"
    )
    assert clean_cpe("cpe:2.3:a:acme", where="c2", warnings=warnings) is None
    assert clean_cpe(None, where="c3", warnings=warnings) is None
    assert len(warnings) == 1 and warnings[0].startswith("c2: invalid CPE")


def _criteria(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "criteria" and isinstance(value, str):
                yield value
            else:
                yield from _criteria(value)
    elif isinstance(node, list):
        for item in node:
            yield from _criteria(item)


def test_every_nvd_criteria_cpe_is_valid_and_a_fixed_point(
    shared_data: Callable[[str], Path],
) -> None:
    folder = shared_data("nvd-embedded-devices")
    found = [
        c for f in sorted(folder.rglob("*.json")) for c in _criteria(json.loads(f.read_bytes()))
    ]
    assert len(found) > 500
    for text in found:
        out = normalize_cpe(text)
        assert out == text.lower()  # NVD already publishes lower-case, valid 2.3 strings
        assert NISTIR_FS.fullmatch(out)
        assert normalize_cpe(out) == out
