"""The restricted condition language: what it accepts, how it evaluates, what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from hemostat.domain.threat import RuleTarget
from hemostat.threat.conditions import ConditionError, Env, compile_condition

FLOW, ELEMENT, INTERFACE = RuleTarget.FLOW, RuleTarget.ELEMENT, RuleTarget.INTERFACE

PUMP = {
    "id": "pump",
    "kind": "device",
    "name": "Pump",
    "boundary": "enclosure",
    "tags": ["therapy"],
    "interfaces": ["ble", "service_port"],
    "attr": {"stores_phi": True, "ram_kb": 256},
}
BLE = {
    "id": "pump-ble",
    "kind": "ble",
    "authentication": "pairing_just_works",
    "encryption": "ble_le_secure",
    "enabled_in_field": True,
    "exposed": True,
    "tags": [],
    "attr": {},
}
THERAPY = {
    "id": "app-to-pump",
    "protocol": "BLE GATT",
    "transport": "ble",
    "port": None,
    "bidirectional": True,
    "authentication": "none",
    "encryption": "ble_le_secure",
    "data": ["therapy_command", "telemetry"],
    "tags": [],
    "attr": {"rate_limited": False},
    "crosses_boundary": True,
}


def flow_env(**changes: Any) -> Env:
    env: dict[str, Any] = {
        "flow": THERAPY,
        "source": {**PUMP, "id": "app", "kind": "mobile_app"},
        "target": PUMP,
        "via": BLE,
        "model": {"multi_patient": False},
    }
    return {**env, **changes}


def holds(text: str, env: Env | None = None, target: RuleTarget = FLOW) -> bool:
    return compile_condition(text, target).evaluate(env if env is not None else flow_env())


def test_the_spec_example_rule() -> None:
    text = """"therapy_command" in flow.data and flow.authentication == "none"
    and via is not None and via.kind in ["ble", "wifi", "cellular", "nfc", "inductive"]"""
    assert holds(text)
    assert not holds(text, flow_env(via=None))
    assert not holds(text, flow_env(flow={**THERAPY, "authentication": "certificate"}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('flow.transport == "ble" and flow.bidirectional', True),
        ('not flow.bidirectional or flow.protocol == "x"', False),
        ('"BLE" in flow.protocol', True),  # substring of a string field
        ('"phi" not in flow.data', True),
        ("flow.crosses_boundary", True),
        ("flow.port is None and flow.attr.missing is None", True),
        ("flow.attr.rate_limited == False", True),
        ("target.attr.ram_kb >= 128 and target.attr.ram_kb < 1024", True),
        ("0 < target.attr.ram_kb <= 256", True),  # chained comparison
        ("-1 < target.attr.ram_kb", True),
        ("flow.port < 1024", False),  # None never orders
        ('target.attr.ram_kb > "a"', False),  # mixed types never order
        ('any_in(flow.data, ["phi", "telemetry"])', True),
        ('all_in(flow.data, ["phi", "telemetry"])', False),
        ('all_in(target.interfaces, ["ble", "service_port"])', True),
        ('any_in(via.tags, ["x"]) or "service_port" in target.interfaces', True),
        ("model.multi_patient", False),
        ('source.kind == "mobile_app" and target.kind == "device"', True),
        ('via.kind == "ble"', True),
    ],
)
def test_evaluation(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_attribute_of_a_missing_via_is_none_not_an_error() -> None:
    env = flow_env(via=None)
    assert holds('via.kind == "ble"', env) is False
    assert holds("via.attr.x is None", env) is True
    assert holds('"ble" in via.tags', env) is False
    assert holds('any_in(via.tags, ["ble"])', env) is False


def test_element_and_interface_targets() -> None:
    element_env: Env = {"element": PUMP, "model": {"multi_patient": True}}
    text = (
        'element.attr.stores_phi and "service_port" in element.interfaces and model.multi_patient'
    )
    assert holds(text, element_env, ELEMENT)
    iface_env: Env = {"interface": BLE, "element": PUMP, "model": {"multi_patient": False}}
    assert holds(
        'interface.authentication == "pairing_just_works" and element.id == "pump"',
        iface_env,
        INTERFACE,
    )
    assert holds("interface.exposed and interface.enabled_in_field", iface_env, INTERFACE)


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("len(flow.data) > 0", "function call `len(flow.data)`"),
        ('flow.protocol.startswith("BLE")', "function call"),
        ("flow.data[0] == 'phi'", "subscript `flow.data[0]`"),
        ("flow.__class__", "dunder or private name `flow.__class__`"),
        ("__import__", "dunder or private name"),
        ("flow.id == (lambda: 1)", "lambda"),
        ("[d for d in flow.data]", "comprehension"),
        ("any(d for d in flow.data)", "function call"),
        ("{'a': 1}", "dict literal"),
        ("(1, 2)", "tuple"),
        ("flow.port + 1 > 2", "arithmetic"),
        ("1 if flow.bidirectional else 0", "conditional expression"),
        ("(x := 1)", "assignment expression"),
        ("f'{flow.id}'", "f-string"),
        ("foo == 1", "unknown name `foo`"),
        ("element.id == 'x'", "unknown name `element.id`"),  # not a name for flow rules
        ("flow.kind == 'ble'", "unknown attribute `flow.kind`"),
        ("flow.attr", "unknown attribute `flow.attr`"),
        ("flow.attr.a.b", "unknown attribute"),
        ("model.elements", "unknown attribute `model.elements`"),
        ("flow is via", "`is` comparison"),
        ("any_in(flow.data)", "any_in takes two arguments"),
        ('via.kind == "bluetooth"', 'unknown value `"bluetooth"`'),
        ('"phi2" in flow.data', 'unknown value `"phi2"`'),
        ('flow.transport in ["tcp", "tpc"]', 'unknown value `"tpc"`'),
        ('any_in(flow.data, ["phi", "phy"])', 'unknown value `"phy"`'),
        ("b'x' == flow.id", "literal"),
        ("flow.id ==", "syntax error"),
    ],
)
def test_refused_constructs_are_named(text: str, construct: str) -> None:
    with pytest.raises(ConditionError) as caught:
        compile_condition(text, FLOW)
    assert construct in str(caught.value)


def test_names_depend_on_the_rule_target() -> None:
    with pytest.raises(ConditionError, match="allows element, model"):
        compile_condition("flow.id == 'x'", ELEMENT)
    with pytest.raises(ConditionError, match="unknown name `via`"):
        compile_condition("via is None", INTERFACE)


def test_condition_error_is_a_value_error_and_length_is_limited() -> None:
    assert issubclass(ConditionError, ValueError)
    with pytest.raises(ConditionError, match="longer than"):
        compile_condition("flow.bidirectional or " * 300 + "True", FLOW)


def test_never_evaluates_python() -> None:
    # would run code under eval(); here it is refused before anything runs
    for text in ("__import__('os').system('true')", "().__class__.__bases__[0]"):
        with pytest.raises(ConditionError):
            compile_condition(text, FLOW)
