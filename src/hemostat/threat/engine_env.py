"""What a rule condition sees: one record per name (``element``, ``interface``, ``flow``,
``source``, ``target``, ``via``, ``model``), with exactly the fields ``conditions.FIELDS`` lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hemostat.domain.threat import DataFlow, Element, Interface, RuleTarget, ThreatModel
from hemostat.threat.conditions import Env, Record


@dataclass(frozen=True, slots=True)
class ModelIndex:
    """Lookups the engine needs, built once per analysis."""

    model: ThreatModel
    elements: Mapping[str, Element]
    interfaces: Mapping[str, Interface]
    flows: Mapping[str, DataFlow]
    interfaces_of: Mapping[str, tuple[Interface, ...]]
    multi_patient: bool

    @classmethod
    def of(cls, model: ThreatModel) -> ModelIndex:
        owned: dict[str, list[Interface]] = {}
        for interface in model.interfaces:
            owned.setdefault(interface.element, []).append(interface)
        return cls(
            model=model,
            elements={e.id: e for e in model.elements},
            interfaces={i.id: i for i in model.interfaces},
            flows={f.id: f for f in model.flows},
            interfaces_of={k: tuple(v) for k, v in owned.items()},
            multi_patient=any(h.multi_patient for h in model.hazards),
        )

    def crosses_boundary(self, flow: DataFlow) -> bool:
        """Source and target sit in different trust boundaries (none counts as outside all)."""
        source, target = self.elements.get(flow.source), self.elements.get(flow.target)
        return (source.boundary if source else None) != (target.boundary if target else None)

    def targets(self, kind: RuleTarget) -> list[tuple[str, Env]]:
        """Every target of ``kind`` with the environment its rules are evaluated in."""
        model_record: Record = {"multi_patient": self.multi_patient}
        if kind is RuleTarget.ELEMENT:
            return [
                (e.id, {"element": self.element(e), "model": model_record})
                for e in self.model.elements
            ]
        if kind is RuleTarget.INTERFACE:
            return [
                (
                    i.id,
                    {
                        "interface": interface_record(i),
                        "element": self.element(self.elements.get(i.element)),
                        "model": model_record,
                    },
                )
                for i in self.model.interfaces
            ]
        return [(f.id, self.flow_env(f, model_record)) for f in self.model.flows]

    def flow_env(self, flow: DataFlow, model_record: Record) -> Env:
        via = self.interfaces.get(flow.via) if flow.via else None
        return {
            "flow": flow_record(flow, self.crosses_boundary(flow)),
            "source": self.element(self.elements.get(flow.source)),
            "target": self.element(self.elements.get(flow.target)),
            "via": interface_record(via) if via else None,
            "model": model_record,
        }

    def element(self, element: Element | None) -> Record | None:
        if element is None:
            return None
        kinds = sorted({i.kind.value for i in self.interfaces_of.get(element.id, ())})
        return {
            "id": element.id,
            "kind": element.kind.value,
            "name": element.name,
            "boundary": element.boundary,
            "tags": list(element.tags),
            "interfaces": kinds,
            "attr": dict(element.attributes),
        }


def interface_record(interface: Interface) -> Record:
    return {
        "id": interface.id,
        "kind": interface.kind.value,
        "authentication": interface.authentication,
        "encryption": interface.encryption,
        "enabled_in_field": interface.enabled_in_field,
        "exposed": interface.exposed,
        "tags": list(interface.tags),
        "attr": dict(interface.attributes),
    }


def flow_record(flow: DataFlow, crosses_boundary: bool) -> Record:
    return {
        "id": flow.id,
        "protocol": flow.protocol,
        "transport": flow.transport,
        "port": flow.port,
        "bidirectional": flow.bidirectional,
        "authentication": flow.authentication,
        "encryption": flow.encryption,
        "data": list(flow.data),
        "tags": list(flow.tags),
        "attr": dict(flow.attributes),
        "crosses_boundary": crosses_boundary,
    }
