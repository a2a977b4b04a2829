"""Row <-> domain conversions for components (kept apart from the queries)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hemostat.domain.component import Component, Hash, SupportLevel


def component_to_row(c: Component, sbom_id: int | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "bom_ref": c.bom_ref,
        "identity": c.identity,
        "type": c.type,
        "name": c.name,
        "version": c.version,
        "group": c.group,
        "supplier": c.supplier,
        "purl": c.purl,
        "cpes": list(c.cpes),
        "hashes": [[h.alg, h.value] for h in c.hashes],
        "licenses": list(c.licenses),
        "scope": c.scope,
        "description": c.description,
        "level_of_support": c.level_of_support.value if c.level_of_support else None,
        "end_of_support": c.end_of_support,
        "support_note": c.support_note,
        "properties": [[k, v] for k, v in c.properties],
    }
    if sbom_id is not None:
        row["sbom_id"] = sbom_id
    return row


def component_from_row(row: Any) -> Component:
    """``row`` is a ComponentRow or a mapping with the same keys (e.g. the stored subject)."""
    get: Callable[[str], Any] = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    eos = get("end_of_support")
    if isinstance(eos, str):
        eos = date.fromisoformat(eos)
    level = get("level_of_support")
    return Component(
        bom_ref=get("bom_ref"),
        name=get("name"),
        type=get("type"),
        version=get("version"),
        group=get("group"),
        supplier=get("supplier"),
        purl=get("purl"),
        cpes=tuple(get("cpes") or ()),
        hashes=tuple(Hash(a, v) for a, v in get("hashes") or ()),
        licenses=tuple(get("licenses") or ()),
        scope=get("scope"),
        description=get("description"),
        level_of_support=SupportLevel(level) if level else None,
        end_of_support=eos,
        support_note=get("support_note"),
        properties=tuple((k, v) for k, v in get("properties") or ()),
    )


def subject_to_json(c: Component | None) -> dict[str, Any] | None:
    if c is None:
        return None
    row = component_to_row(c)
    if row["end_of_support"] is not None:
        row["end_of_support"] = row["end_of_support"].isoformat()
    return row
