"""bom-refs and the dependency graph: unique refs for every component, edges checked against them.

A BOM may repeat a bom-ref or omit it. Every component is kept: repeats are renamed
``<ref>#<n>``, missing refs become ``hemostat:<position>`` (stable for the same document), and a
warning says what was done with the counts received/stored.
"""

from __future__ import annotations

from typing import Any

from hemostat.domain.component import Dependency

_EXAMPLES = 5


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}#{n}"
    taken.add(candidate)
    return candidate


def _examples(items: list[str]) -> str:
    shown = ", ".join(repr(x) for x in items[:_EXAMPLES])
    return shown + (f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else "")


def _ref(raw: dict[str, Any] | None) -> str | None:
    ref = raw.get("bom-ref") if raw is not None else None
    return ref if isinstance(ref, str) and ref else None


def assign_refs(
    flat: list[dict[str, Any]], subject: dict[str, Any] | None, warnings: list[str]
) -> tuple[list[str], str | None]:
    """One unique ref per component (in order) and the subject's ref (``None`` if no subject)."""
    given = [_ref(c) for c in flat]
    subject_ref = _ref(subject)
    taken = {r for r in given if r}
    if subject_ref:
        taken.add(subject_ref)
    seen: set[str] = set()
    repeated: list[str] = []
    refs: list[str] = []
    for i, ref in enumerate(given):
        if ref is None:
            refs.append(_unique(f"hemostat:{i}", taken))
        elif ref in seen:
            repeated.append(ref)
            refs.append(_unique(ref, taken))
        else:
            seen.add(ref)
            refs.append(ref)
    if repeated:
        warnings.append(
            f"{len(repeated)} components repeat an earlier bom-ref ({_examples(repeated)}); all "
            "kept, repeats renamed '<ref>#<n>', dependencies on a repeated ref point to its first "
            f"occurrence (received={len(flat)} stored={len(refs)})"
        )
    if subject is not None and subject_ref is None:
        subject_ref = _unique("hemostat:subject", taken)
    return refs, subject_ref


def all_services(services: object) -> list[dict[str, Any]]:
    """Every service, nested ones too (iteratively)."""
    out: list[dict[str, Any]] = []
    stack = list(services) if isinstance(services, list) else []
    while stack:
        svc = stack.pop()
        if isinstance(svc, dict):
            out.append(svc)
            if isinstance(svc.get("services"), list):
                stack.extend(svc["services"])
    return out


def dependencies(
    raw: object, known: set[str], services: list[dict[str, Any]], warnings: list[str]
) -> tuple[Dependency, ...]:
    """Edges between known refs. Edges touching a service are dropped (services are not
    imported); edges naming an unknown ref are dropped too. Both are reported."""
    service_refs = {r for r in map(_ref, services) if r}
    if services:
        warnings.append(
            f"{len(services)} services listed; Hemostat imports components only (services kept "
            "in the stored document)"
        )
    edges: dict[tuple[str, str], None] = {}
    missing: dict[str, None] = {}
    dropped = via_service = 0
    for entry in raw if isinstance(raw, list) else ():
        ref = entry.get("ref") if isinstance(entry, dict) else None
        if not isinstance(ref, str):
            continue
        targets = entry.get("dependsOn")
        pairs = (
            [(ref, t) for t in targets if isinstance(t, str)] if isinstance(targets, list) else []
        )
        for r in (ref, *(t for _, t in pairs)):
            if r not in known and r not in service_refs:
                missing[r] = None
        for a, b in pairs:
            if a in known and b in known:
                edges[(a, b)] = None
            elif a in service_refs or b in service_refs:
                via_service += 1
            else:
                dropped += 1
    if missing:
        warnings.append(
            f"dependencies name {len(missing)} bom-refs that no component has "
            f"({_examples(list(missing))}); {dropped} edges dropped"
        )
    if via_service:
        warnings.append(f"{via_service} dependency edges involve services and were not imported")
    return tuple(Dependency(a, b) for a, b in edges)
