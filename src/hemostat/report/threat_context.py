"""The view-model behind the threat-model summary: plain, ordered values the templates print.

Everything is computed here (sorting, counting, joining, link building) so the Markdown and HTML
templates stay logic-free and render the same facts.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from hemostat import __version__
from hemostat.domain.threat import (
    ComponentLink,
    DataFlow,
    Element,
    Interface,
    Threat,
    ThreatAnalysis,
    Treatment,
)
from hemostat.report.threat_common import (
    RISK_RANK,
    RISKS_DESC,
    STRIDE_LABEL,
    STRIDE_ORDER,
    attr,
    canonical,
    is_insecure,
    priority_order,
)

_CAPEC = re.compile(r"^CAPEC-(\d+)$")
_CWE = re.compile(r"^CWE-(\d+)$")


def link(ref: str) -> dict[str, str | None]:
    """A CAPEC/CWE id with its MITRE page, or with no page for anything else."""
    if m := _CAPEC.match(ref):
        return {"id": ref, "url": f"https://capec.mitre.org/data/definitions/{m.group(1)}.html"}
    if m := _CWE.match(ref):
        return {"id": ref, "url": f"https://cwe.mitre.org/data/definitions/{m.group(1)}.html"}
    return {"id": ref, "url": None}


def component_text(c: ComponentLink) -> str:
    return c.purl or c.cpe or c.name or ""


def build(analysis: ThreatAnalysis) -> dict[str, Any]:
    a = canonical(analysis)
    m = a.model
    threats = priority_order(a.threats)
    boundary = {e.id: e.boundary for e in m.elements}
    return {
        "generator": f"hemostat {__version__}",
        "rules_version": a.rules_version,
        "system": {
            "id": m.id,
            "name": m.name,
            "version": m.version,
            "product": m.product or "",
            "releases": ", ".join(m.releases),
            "methodology": m.methodology,
            "rationale": m.rationale,
            "assumptions": list(m.assumptions),
            "files": ", ".join(m.files),
        },
        "counts": _counts(a.threats),
        "by_stride": _by_stride(a.threats),
        "by_risk": _by_risk(a.threats),
        "risk_levels": [r.value for r in RISKS_DESC],
        "boundaries": [
            {"id": b.id, "name": b.name, "kind": b.kind, "parent": b.parent or ""}
            for b in m.boundaries
        ],
        "elements": [_element(e) for e in m.elements],
        "interfaces": [_interface_row(i) for i in m.interfaces],
        "flows": [_flow_row(f, boundary) for f in m.flows],
        "assets": [
            {
                "id": x.id,
                "name": x.name,
                "cia": f"{x.confidentiality}/{x.integrity}/{x.availability}",
                "data_class": x.data_class or "",
                "elements": ", ".join(x.elements),
            }
            for x in m.assets
        ],
        "hazards": _hazards(a),
        "threats": [_threat(a, t) for t in threats],
        "controls": _controls(a),
        "requirements": _requirements(a),
        "components": [
            {"element": e.id, "name": e.name, "link": component_text(c), "kind": _link_kind(c)}
            for e in m.elements
            for c in e.components
        ],
        "stale": list(a.stale_treatments),
    }


def _counts(threats: tuple[Threat, ...]) -> dict[str, int]:
    by = Counter(t.treatment.value for t in threats)
    out = {status.value: by[status.value] for status in Treatment}
    out["total"] = len(threats)
    out["unlinked"] = sum(t.severity is None for t in threats)
    return out


def _by_stride(threats: tuple[Threat, ...]) -> list[dict[str, Any]]:
    rows = []
    for s in STRIDE_ORDER:
        mine = [t for t in threats if t.stride == s]
        rows.append(
            {
                "label": STRIDE_LABEL[s],
                "total": len(mine),
                "open": sum(t.treatment == Treatment.OPEN for t in mine),
                "residual": [sum(t.residual_risk == r for t in mine) for r in RISKS_DESC],
            }
        )
    return rows


def _by_risk(threats: tuple[Threat, ...]) -> list[dict[str, Any]]:
    return [
        {
            "level": r.value,
            "inherent": sum(t.inherent_risk == r for t in threats),
            "residual": sum(t.residual_risk == r for t in threats),
            "open": sum(t.residual_risk == r and t.treatment == Treatment.OPEN for t in threats),
        }
        for r in RISKS_DESC
    ]


def _element(e: Element) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind.value,
        "boundary": e.boundary or "",
        "tags": ", ".join(e.tags),
        "attributes": ", ".join(f"{k}={v}" for k, v in e.attributes),
        "components": len(e.components),
        "multi_patient_role": "central server" if "central_server" in e.tags else "",
        "controlled": attr(e, "manufacturer_controlled") is not False,
    }


def _interface_row(i: Interface) -> dict[str, Any]:
    return {
        "id": i.id,
        "element": i.element,
        "kind": i.kind.value,
        "authentication": i.authentication,
        "encryption": i.encryption,
        "enabled": "yes" if i.enabled_in_field else "no",
        "exposed": "yes" if i.exposed else "no",
    }


def _flow_row(f: DataFlow, boundary: dict[str, str | None]) -> dict[str, Any]:
    return {
        "id": f.id,
        "source": f.source,
        "target": f.target,
        "arrow": "↔" if f.bidirectional else "→",
        "via": f.via or "",
        "protocol": f.protocol + (f":{f.port}" if f.port is not None else ""),
        "transport": f.transport,
        "authentication": f.authentication,
        "encryption": f.encryption,
        "data": ", ".join(f.data),
        "crosses": "yes" if boundary.get(f.source) != boundary.get(f.target) else "no",
        "insecure": is_insecure(f),
    }


def _hazards(a: ThreatAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "id": h.id,
            "title": h.title,
            "severity": h.severity.value,
            "multi_patient": "yes" if h.multi_patient else "no",
            "elements": ", ".join(h.elements),
            "threats": ", ".join(t.id for t in a.threats if h.id in t.hazards),
        }
        for h in a.model.hazards
    ]


def _threat(a: ThreatAnalysis, t: Threat) -> dict[str, Any]:
    hazards = {h.id: h for h in a.model.hazards}
    controls = {c.id: c for c in a.model.controls}
    return {
        "id": t.id,
        "rule": t.rule,
        "title": t.title,
        "stride": STRIDE_LABEL[t.stride],
        "target_kind": t.target_kind.value,
        "target": t.target,
        "description": t.description,
        "exploitability": t.exploitability.value,
        "severity": t.severity.value
        if t.severity
        else "unknown (no linked hazard; scored as serious)",
        "hazards": [
            f"{h} {hazards[h].title} ({hazards[h].severity.value})" if h in hazards else h
            for h in t.hazards
        ],
        "inherent": t.inherent_risk.value,
        "residual": t.residual_risk.value,
        "reduced": RISK_RANK[t.residual_risk] < RISK_RANK[t.inherent_risk],
        "treatment": t.treatment.value,
        "rationale": t.rationale,
        "controls": [f"{c} {controls[c].name}" if c in controls else c for c in t.controls],
        "capec": [link(x) for x in t.capec],
        "cwe": [link(x) for x in t.cwe],
        "fda": ", ".join(c.value for c in t.fda_categories),
        "iec62443": ", ".join(t.iec62443),
        "nist80053": ", ".join(t.nist80053),
        "components": [component_text(c) for c in t.components],
    }


def _controls(a: ThreatAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "name": c.name,
            "categories": ", ".join(x.value for x in c.categories),
            "capabilities": ", ".join(c.capabilities),
            "applies_to": ", ".join(c.applies_to),
            "requirements": ", ".join(r.id for r in a.model.requirements if c.id in r.controls),
            "threats": ", ".join(t.id for t in a.threats if c.id in t.controls),
        }
        for c in a.model.controls
    ]


def _requirements(a: ThreatAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "text": r.text,
            "controls": ", ".join(r.controls),
            "tests": ", ".join(f"{t.id} ({t.result})" for t in a.model.tests if r.id in t.verifies),
        }
        for r in a.model.requirements
    ]


def _link_kind(c: ComponentLink) -> str:
    return "purl" if c.purl else "cpe" if c.cpe else "name"
