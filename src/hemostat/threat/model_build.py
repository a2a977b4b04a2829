"""Raw (schema-valid, semantically checked) threat-model data → frozen domain values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hemostat.domain.threat import (
    Asset,
    ComponentLink,
    Control,
    DataFlow,
    Element,
    ElementKind,
    FdaControlCategory,
    HarmSeverity,
    Hazard,
    Interface,
    InterfaceKind,
    Level,
    Requirement,
    SourceRef,
    TestCase,
    ThreatModel,
    Treatment,
    TreatmentRecord,
    TrustBoundary,
)
from hemostat.threat.model_checks import Item, SourceFile

Raw = Mapping[str, Any]


def _ref(item: Item) -> SourceRef:
    return SourceRef(item.file.rel, item.line())


def _strs(raw: Raw, key: str) -> tuple[str, ...]:
    return tuple(raw.get(key) or ())


def _attrs(raw: Raw) -> tuple[tuple[str, str | int | bool], ...]:
    return tuple(sorted((raw.get("attributes") or {}).items()))


def _boundary(raw: Raw, item: Item) -> TrustBoundary:
    return TrustBoundary(
        raw["id"], raw["name"], raw.get("kind", "network"), raw.get("parent"), _ref(item)
    )


def _element(raw: Raw, item: Item) -> Element:
    links = tuple(ComponentLink(**link) for link in raw.get("components") or ())
    return Element(
        id=raw["id"],
        kind=ElementKind(raw["kind"]),
        name=raw["name"],
        boundary=raw.get("boundary"),
        description=raw.get("description", ""),
        tags=_strs(raw, "tags"),
        attributes=_attrs(raw),
        components=links,
        releases=_strs(raw, "releases"),
        source=_ref(item),
    )


def _interface(raw: Raw, item: Item) -> Interface:
    return Interface(
        id=raw["id"],
        element=raw["element"],
        kind=InterfaceKind(raw["kind"]),
        name=raw.get("name", ""),
        authentication=raw.get("authentication", "none"),
        encryption=raw.get("encryption", "none"),
        enabled_in_field=raw.get("enabled_in_field", True),
        exposed=raw.get("exposed", True),
        tags=_strs(raw, "tags"),
        attributes=_attrs(raw),
        source=_ref(item),
    )


def _flow(raw: Raw, item: Item) -> DataFlow:
    return DataFlow(
        id=raw["id"],
        source=raw["from"],
        target=raw["to"],
        name=raw.get("name", ""),
        via=raw.get("via"),
        protocol=raw.get("protocol", ""),
        port=raw.get("port"),
        transport=raw.get("transport", "tcp"),
        bidirectional=raw.get("bidirectional", False),
        authentication=raw.get("authentication", "none"),
        encryption=raw.get("encryption", "none"),
        data=_strs(raw, "data"),
        tags=_strs(raw, "tags"),
        attributes=_attrs(raw),
        source_ref=_ref(item),
    )


def _asset(raw: Raw, item: Item) -> Asset:
    return Asset(
        id=raw["id"],
        name=raw["name"],
        confidentiality=Level(raw.get("confidentiality", "medium")),
        integrity=Level(raw.get("integrity", "medium")),
        availability=Level(raw.get("availability", "medium")),
        data_class=raw.get("data_class"),
        elements=_strs(raw, "elements"),
        source=_ref(item),
    )


def _hazard(raw: Raw, item: Item) -> Hazard:
    severity = HarmSeverity(raw["severity"])
    elements = _strs(raw, "elements")
    return Hazard(
        raw["id"], raw["title"], severity, elements, raw.get("multi_patient", False), _ref(item)
    )


def _control(raw: Raw, item: Item) -> Control:
    return Control(
        id=raw["id"],
        name=raw["name"],
        categories=tuple(FdaControlCategory(c) for c in raw.get("categories") or ()),
        capabilities=_strs(raw, "capabilities"),
        applies_to=_strs(raw, "applies_to"),
        description=raw.get("description", ""),
        source=_ref(item),
    )


def _requirement(raw: Raw, item: Item) -> Requirement:
    return Requirement(raw["id"], raw["text"], _strs(raw, "controls"), _ref(item))


def _test(raw: Raw, item: Item) -> TestCase:
    result = raw.get("result", "not_run")
    return TestCase(raw["id"], raw["name"], _strs(raw, "verifies"), result, _ref(item))


def _treatment(raw: Raw, item: Item) -> TreatmentRecord:
    status = Treatment(raw["status"])
    controls = _strs(raw, "controls")
    return TreatmentRecord(raw["threat"], status, raw.get("rationale", ""), controls, _ref(item))


_BUILDERS: Mapping[str, Callable[[Raw, Item], Any]] = {
    "boundaries": _boundary,
    "elements": _element,
    "interfaces": _interface,
    "flows": _flow,
    "assets": _asset,
    "hazards": _hazard,
    "controls": _control,
    "requirements": _requirement,
    "tests": _test,
    "treatments": _treatment,
}


def build_model(files: list[SourceFile], items: list[Item]) -> ThreatModel:
    root = files[0].doc.value
    system: Raw = root["system"]
    sections: dict[str, list[Any]] = {name: [] for name in _BUILDERS}
    for item in items:
        sections[item.section].append(_BUILDERS[item.section](item.data, item))
    return ThreatModel(
        id=system["id"],
        name=system["name"],
        version=system["version"],
        product=system.get("product"),
        releases=_strs(system, "releases"),
        methodology=system.get("methodology", "STRIDE per element and per data flow"),
        rationale=system.get("rationale", ""),
        assumptions=_strs(system, "assumptions"),
        files=tuple(f.rel for f in files),
        boundaries=tuple(sections["boundaries"]),
        elements=tuple(sections["elements"]),
        interfaces=tuple(sections["interfaces"]),
        flows=tuple(sections["flows"]),
        assets=tuple(sections["assets"]),
        hazards=tuple(sections["hazards"]),
        controls=tuple(sections["controls"]),
        requirements=tuple(sections["requirements"]),
        tests=tuple(sections["tests"]),
        treatments=tuple(sections["treatments"]),
    )
