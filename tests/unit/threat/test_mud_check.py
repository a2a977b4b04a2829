"""The RFC 8520 MUD linter on the 95 real MUD files and on broken variants: each rule fires."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hemostat.threat.mud_check import check_mud, is_warning

LUMINAIRE = "CiscoDevNet-MUD-Manager/examples/luminaire/fs/Luminaire_150.json"

# --- the linter on the real files -------------------------------------------------------------

# Real files with genuine defects, and exactly what the linter says about them.
KNOWN_BAD = {
    # the whole document is a JSON string holding the JSON (encoded twice)
    "barmey-IoT_mud_files_locations/ch_imilab_xiaomi_camera/camera_home_2021-04-03_025606.json": [
        ("mud.not_object", "/")
    ],
    # a wildcard is not a host name (RFC 6991 inet:host)
    "barmey-IoT_mud_files_locations/mi_bolb_hk/mi_bolb_hkMud_test.json": [
        (
            "mud.ace.dnsname",
            "/ietf-access-control-list:access-lists/acl/0/aces/ace/0/matches/ipv4/"
            "ietf-acldns:dst-dnsname",
        )
    ],
    # empty mud-url, last-update without offset, YANG `empty` written as [] instead of [null]
    "barmey-IoT_mud_files_locations/mi_bolb_us/bulb_ran_2021-04-03_085210.json": [
        ("mud.url", "/ietf-mud:mud/mud-url"),
        ("mud.last_update", "/ietf-mud:mud/last-update"),
        (
            "mud.ace.abstraction",
            "/ietf-access-control-list:acls/acl/0/aces/ace/0/matches/ietf-mud:mud/local-networks",
        ),
        (
            "mud.ace.abstraction",
            "/ietf-access-control-list:acls/acl/1/aces/ace/0/matches/ietf-mud:mud/local-networks",
        ),
    ],
}


@pytest.fixture(scope="module")
def real_mud_files(shared_data: Any) -> dict[str, bytes]:
    root: Path = shared_data("mud-rfc8520")
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.json"))}


@pytest.fixture(scope="module")
def luminaire(real_mud_files: dict[str, bytes]) -> bytes:
    return real_mud_files[LUMINAIRE]


def test_real_mud_files_pass_except_the_known_broken_ones(real_mud_files: dict[str, bytes]) -> None:
    assert len(real_mud_files) == 95
    found: dict[str, list[tuple[str, str | None]]] = {}
    warned: set[str] = set()
    for name, data in real_mud_files.items():
        diags = check_mud(data, source=name)
        errors = [(d.code, d.location) for d in diags if not is_warning(d)]
        if errors:
            found[name] = errors
        warned.update(d.code for d in diags if is_warning(d))
    assert found == KNOWN_BAD
    # MUDgee's pre-RFC names are the only warnings on real files
    assert warned == {"mud.warn.legacy_container", "mud.warn.legacy_acl_type"}


def test_cisco_luminaire_example_is_clean(real_mud_files: dict[str, bytes]) -> None:
    name = LUMINAIRE
    assert check_mud(real_mud_files[name], source=name) == []


# --- each lint rule fires on a broken variant of the Cisco example ------------------------------

ACE0 = ("ietf-access-control-list:acls", "acl", 0, "aces", "ace", 0)


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()
MUD = ("ietf-mud:mud",)


BROKEN: list[tuple[str, tuple[Any, ...], Any, str]] = [
    ("version", (*MUD, "mud-version"), 2, "mud.version"),
    ("http url", (*MUD, "mud-url"), "http://luminaire.example.com/x", "mud.url"),
    ("no offset", (*MUD, "last-update"), "2018-06-29T19:50:19", "mud.last_update"),
    ("bad date", (*MUD, "last-update"), "2018-02-30T19:50:19Z", "mud.last_update"),
    ("validity", (*MUD, "cache-validity"), 169, "mud.cache_validity"),
    ("validity 0", (*MUD, "cache-validity"), 0, "mud.cache_validity"),
    ("missing url", (*MUD, "mud-url"), _DELETE, "mud.missing"),
    ("systeminfo", (*MUD, "systeminfo"), "x" * 61, "mud.systeminfo"),
    ("unknown mud key", (*MUD, "colour"), "red", "mud.warn.unknown_key"),
    ("unknown top key", ("extra",), {}, "mud.warn.unknown_key"),
    (
        "undefined acl",
        (*MUD, "to-device-policy", "access-lists", "access-list", 0, "name"),
        "nope",
        "mud.acl.undefined",
    ),
    ("acl type", ("ietf-access-control-list:acls", "acl", 0, "type"), "ip-acl", "mud.acl.type"),
    ("tcp with udp proto", (*ACE0, "matches", "ipv4", "protocol"), 17, "mud.ace.protocol"),
    ("protocol range", (*ACE0, "matches", "ipv4", "protocol"), 300, "mud.ace.protocol"),
    (
        "operator",
        (*ACE0, "matches", "tcp", "source-port", "operator"),
        "lt",
        "mud.ace.port",
    ),
    ("port", (*ACE0, "matches", "tcp", "source-port", "port"), 70000, "mud.ace.port"),
    (
        "range",
        (*ACE0, "matches", "tcp", "source-port"),
        {"lower-port": 10, "upper-port": 5},
        "mud.ace.port",
    ),
    (
        "neq warns",
        (*ACE0, "matches", "tcp", "source-port", "operator"),
        "neq",
        "mud.warn.port_operator",
    ),
    (
        "direction value",
        (*ACE0, "matches", "tcp", "ietf-mud:direction-initiated"),
        "sideways",
        "mud.ace.direction",
    ),
    (
        "dnsname",
        (*ACE0, "matches", "ipv4", "ietf-acldns:src-dnsname"),
        "bad_name-.example..com",
        "mud.ace.dnsname",
    ),
    (
        "dnsname and network",
        (*ACE0, "matches", "ipv4", "source-ipv4-network"),
        "192.0.2.0/24",
        "mud.ace.dnsname",
    ),
    ("action", (*ACE0, "actions", "forwarding"), "allow", "mud.ace.action"),
    ("ace name", (*ACE0, "name"), "n" * 65, "mud.ace.name"),
    ("ipv6 in ipv4 acl", (*ACE0, "matches", "ipv6"), {"protocol": 6}, "mud.ace.family"),
    ("unknown match", (*ACE0, "matches", "sctp"), {}, "mud.warn.unknown_key"),
]


@pytest.mark.parametrize(("label", "path", "value", "code"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_rule_fires(
    real_mud_files: dict[str, bytes], label: str, path: tuple[Any, ...], value: Any, code: str
) -> None:
    doc = orjson.loads(real_mud_files[LUMINAIRE])
    _set(doc, path, value)
    codes = [d.code for d in check_mud(orjson.dumps(doc), source="x.json")]
    assert code in codes, label


def _second_ace(doc: dict[str, Any]) -> dict[str, Any]:
    ace: dict[str, Any] = doc["ietf-access-control-list:acls"]["acl"][0]["aces"]["ace"][1]
    return ace


@pytest.fixture
def cisco(real_mud_files: dict[str, bytes]) -> dict[str, Any]:
    name = LUMINAIRE
    doc: dict[str, Any] = orjson.loads(real_mud_files[name])
    return copy.deepcopy(doc)


def test_direction_initiated_on_udp_is_an_error(cisco: dict[str, Any]) -> None:
    _second_ace(cisco)["matches"]["udp"]["ietf-mud:direction-initiated"] = "from-device"
    diags = check_mud(orjson.dumps(cisco), source="x")
    assert [d.message for d in diags] == ["direction-initiated is only defined for tcp"]


def test_empty_abstraction_must_be_null_list(cisco: dict[str, Any]) -> None:
    _second_ace(cisco)["matches"]["ietf-mud:mud"] = {"my-controller": [], "anything": [None]}
    codes = sorted(d.code for d in check_mud(orjson.dumps(cisco), source="x"))
    assert codes == ["mud.ace.abstraction", "mud.ace.abstraction"]


def test_unreferenced_and_duplicate_acls(cisco: dict[str, Any]) -> None:
    acls = cisco["ietf-access-control-list:acls"]["acl"]
    acls.append({**acls[0], "name": "orphan"})
    acls.append(acls[0])
    codes = {d.code for d in check_mud(orjson.dumps(cisco), source="x")}
    assert codes == {"mud.acl.unreferenced", "mud.acl.duplicate"}


def test_duplicate_ace_names(cisco: dict[str, Any]) -> None:
    _second_ace(cisco)["name"] = "cl0-todev"
    assert [d.code for d in check_mud(orjson.dumps(cisco), source="x")] == ["mud.ace.duplicate"]


def test_legacy_container_is_read_with_a_warning(cisco: dict[str, Any]) -> None:
    cisco["ietf-access-control-list:access-lists"] = cisco.pop("ietf-access-control-list:acls")
    diags = check_mud(orjson.dumps(cisco), source="x")
    assert [d.code for d in diags] == ["mud.warn.legacy_container"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{not json", "mud.json"),
        (b"[1, 2]", "mud.not_object"),
        (b'"{\\"ietf-mud:mud\\": {}}"', "mud.not_object"),
        (b"{}", "mud.missing"),
        (b" " * (4 * 1024 * 1024 + 1), "mud.too_large"),
    ],
)
def test_unusable_documents(data: bytes, code: str) -> None:
    diags = check_mud(data, source="bad.json")
    assert diags and diags[0].code == code
    assert diags[0].file == "bad.json"


def test_double_encoded_document_gets_a_hint() -> None:
    (diag,) = check_mud(orjson.dumps(orjson.dumps({"a": 1}).decode()), source="x")
    assert diag.hint is not None and "encoded twice" in diag.hint


def test_deeply_nested_input_is_a_json_error_not_a_crash() -> None:
    (diag,) = check_mud(b"[" * 100_000, source="deep.json")
    assert diag.code == "mud.json"


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    path_index=st.integers(min_value=0, max_value=10_000),
    value=_json,
)
def test_any_value_anywhere_gives_diagnostics_never_an_exception(
    luminaire: bytes, path_index: int, value: Any
) -> None:
    doc = orjson.loads(luminaire)
    paths = list(_all_paths(doc))
    _set(doc, paths[path_index % len(paths)], value)
    for diag in check_mud(orjson.dumps(doc), source="fuzz.json"):
        assert diag.code.startswith("mud.")


def _all_paths(node: Any, prefix: tuple[Any, ...] = ()) -> Any:
    if isinstance(node, dict):
        for key, child in node.items():
            yield (*prefix, key)
            yield from _all_paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield (*prefix, i)
            yield from _all_paths(child, (*prefix, i))
