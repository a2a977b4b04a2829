"""RFC 8520 MUD generation from a threat model (the linter is tested in test_mud_check.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hemostat.domain.threat import DataFlow, Element, ElementKind, ThreatModel
from hemostat.errors import UsageError
from hemostat.threat.mud import MudResult, generate_mud
from hemostat.threat.mud_check import check_mud

WHEN = datetime(2025, 2, 18, tzinfo=UTC)
URL = "https://mud.hemoflow-medical.example/lvp300.json"


def _el(eid: str, kind: ElementKind = ElementKind.HOSPITAL_SYSTEM, **attrs: str) -> Element:
    return Element(id=eid, kind=kind, name=eid.title(), attributes=tuple(attrs.items()))


def _model() -> ThreatModel:
    elements = (
        _el("pump", ElementKind.DEVICE),
        _el("cloud", ElementKind.CLOUD_SERVICE, dns_name="telemetry.example.com"),
        _el("manager", mud_abstraction="my-controller"),
        _el("alarms", mud_abstraction="local-networks"),
        _el("peers", mud_abstraction="same-manufacturer"),
        _el("ntp", mud_controller="urn:ietf:params:mud:ntp"),
        _el("app", ElementKind.MOBILE_APP),
        _el("nurse", ElementKind.USER),
        _el("ehr"),
    )
    flows = (
        DataFlow("telemetry", "pump", "cloud", transport="tcp", port=8883),
        DataFlow("library-push", "manager", "pump", transport="tcp", port=7443),
        DataFlow("alarm", "pump", "alarms", transport="tcp", port=2575),
        DataFlow("discovery", "pump", "peers", transport="udp", port=5353),
        DataFlow("time", "pump", "ntp", transport="udp", port=123),
        DataFlow("ble-therapy", "app", "pump", transport="ble"),
        DataFlow("ssh", "nurse", "pump", transport="tcp", port=22),
        DataFlow("hl7", "manager", "ehr", transport="tcp", port=2575),  # not a device flow
    )
    return ThreatModel(id="m", name="M", version="1", elements=elements, flows=flows)


def _gen(**kw: Any) -> MudResult:
    args: dict[str, Any] = {"device": "pump", "mud_url": URL, "last_update": WHEN} | kw
    return generate_mud(_model(), **args)


def _aces(doc: dict[str, Any], acl_suffix: str) -> dict[str, dict[str, Any]]:
    acl = next(
        a for a in doc["ietf-access-control-list:acls"]["acl"] if a["name"].endswith(acl_suffix)
    )
    return {ace["name"]: ace["matches"] for ace in acl["aces"]["ace"]}


def test_one_ace_per_ip_device_flow_in_each_direction() -> None:
    doc = _gen().document
    names = {"alarm", "discovery", "library-push", "telemetry", "time"}
    assert set(_aces(doc, "v4fr")) == {f"{n}-frdev" for n in names}
    assert set(_aces(doc, "v4to")) == {f"{n}-todev" for n in names}


def test_dns_peer_ports_and_direction_for_device_initiated_tcp() -> None:
    doc = _gen().document
    out = _aces(doc, "v4fr")["telemetry-frdev"]
    back = _aces(doc, "v4to")["telemetry-todev"]
    assert out["ipv4"] == {"protocol": 6, "ietf-acldns:dst-dnsname": "telemetry.example.com"}
    assert out["tcp"] == {
        "ietf-mud:direction-initiated": "from-device",
        "destination-port": {"operator": "eq", "port": 8883},
    }
    assert back["ipv4"]["ietf-acldns:src-dnsname"] == "telemetry.example.com"
    assert back["tcp"]["source-port"] == {"operator": "eq", "port": 8883}


def test_peer_initiated_flow_puts_the_port_on_the_device_side() -> None:
    doc = _gen().document
    inbound = _aces(doc, "v4to")["library-push-todev"]
    assert inbound["ietf-mud:mud"] == {"my-controller": [None]}
    assert inbound["tcp"] == {
        "ietf-mud:direction-initiated": "to-device",
        "destination-port": {"operator": "eq", "port": 7443},
    }
    assert _aces(doc, "v4fr")["library-push-frdev"]["tcp"]["source-port"]["port"] == 7443


def test_abstractions_controller_and_udp_without_direction() -> None:
    doc = _gen().document
    fr = _aces(doc, "v4fr")
    assert fr["alarm-frdev"]["ietf-mud:mud"] == {"local-networks": [None]}
    assert fr["discovery-frdev"]["ietf-mud:mud"] == {"same-manufacturer": [None]}
    assert fr["time-frdev"]["ietf-mud:mud"] == {"controller": "urn:ietf:params:mud:ntp"}
    assert fr["time-frdev"]["udp"] == {"destination-port": {"operator": "eq", "port": 123}}
    assert fr["time-frdev"]["ipv4"] == {"protocol": 17}


def test_controllers_argument_overrides_element_attributes() -> None:
    doc = _gen(controllers={"cloud": "https://example.com/controllers/telemetry"}).document
    matches = _aces(doc, "v4fr")["telemetry-frdev"]
    assert matches["ietf-mud:mud"] == {"controller": "https://example.com/controllers/telemetry"}
    assert "ietf-acldns:dst-dnsname" not in matches["ipv4"]


def test_non_ip_and_unaddressable_flows_are_listed_as_skipped() -> None:
    skipped = _gen().skipped
    assert len(skipped) == 2
    assert skipped[0].startswith("ble-therapy: transport 'ble' is not IP")
    assert skipped[1].startswith("ssh: peer 'nurse' has no dns_name")


def test_header_policies_and_ipv6() -> None:
    doc = _gen(ipv6=True, mfg_name="Hemoflow Medical, Inc.", model_name="LVP-300").document
    head = doc["ietf-mud:mud"]
    assert list(head)[:6] == [
        "mud-version",
        "mud-url",
        "last-update",
        "cache-validity",
        "is-supported",
        "systeminfo",
    ]
    assert head["last-update"] == "2025-02-18T00:00:00+00:00"
    assert head["systeminfo"] == "Pump"
    assert (head["mfg-name"], head["model-name"]) == ("Hemoflow Medical, Inc.", "LVP-300")
    from_names = [a["name"] for a in head["from-device-policy"]["access-lists"]["access-list"]]
    assert from_names == ["mud-pump-v4fr", "mud-pump-v6fr"]
    v6 = _aces(doc, "v6fr")["telemetry-v6frdev"]
    assert v6["ipv6"]["ietf-acldns:dst-dnsname"] == "telemetry.example.com"


def test_output_is_deterministic_and_passes_the_linter() -> None:
    first, second = _gen(ipv6=True).to_json(), _gen(ipv6=True).to_json()
    assert first == second
    assert check_mud(first, source="generated.json") == []


def test_long_flow_ids_give_stable_names_within_64_characters() -> None:
    model = _model()
    long_id = "x" * 80
    flows = (*model.flows, DataFlow(long_id, "pump", "cloud", transport="tcp", port=443))
    doc = generate_mud(
        ThreatModel(id="m", name="M", version="1", elements=model.elements, flows=flows),
        device="pump",
        mud_url=URL,
        last_update=WHEN,
    ).document
    long_names = [n for n in _aces(doc, "v4fr") if n.startswith("xxx")]
    assert len(long_names) == 1 and len(long_names[0]) == 64
    assert long_names[0].endswith("-frdev")


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"device": "nope"}, "no element 'nope'"),
        ({"mud_url": "http://x.example/m.json"}, "not an https URL"),
        ({"last_update": None}, "time zone"),
        ({"last_update": datetime(2025, 1, 1)}, "time zone"),  # naive on purpose
        ({"cache_validity": 169}, "outside 1..168"),
    ],
)
def test_bad_arguments_are_usage_errors(kw: dict[str, Any], needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        _gen(**kw)


@pytest.mark.parametrize(
    ("attrs", "needle"),
    [
        ({"mud_abstraction": "everyone"}, "mud_abstraction 'everyone'"),
        ({"dns_name": "*.example.com"}, "not a valid host name"),
    ],
)
def test_bad_peer_attributes_are_usage_errors(attrs: dict[str, str], needle: str) -> None:
    model = _model()
    bad = (
        *model.elements[:2],
        _el("manager", ElementKind.HOSPITAL_SYSTEM, **attrs),
        *model.elements[3:],
    )
    with pytest.raises(UsageError, match=needle):
        generate_mud(
            ThreatModel(id="m", name="M", version="1", elements=bad, flows=model.flows),
            device="pump",
            mud_url=URL,
            last_update=WHEN,
        )
