"""CycloneDX (any supported version, JSON or XML) → ``domain.Sbom``.

Input is the JSON shape of a BOM: the JSON reader passes the schema-validated document, the XML
reader passes the same shape built by ``cdx_xmlmap``. Nested ``components`` are flattened
iteratively (a hostile document cannot exhaust the stack); every component is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hemostat.domain.component import PROP_CPE, Component, Hash, Sbom, SbomFormat
from hemostat.errors import InputTooDeep, InputTooLarge
from hemostat.ingest.cdx_refs import all_services, assign_refs, dependencies
from hemostat.ingest.cdx_schema import short
from hemostat.ingest.common import clean_cpe, clean_purl, norm_hash, support_from_properties

Raw = dict[str, Any]


@dataclass(slots=True)
class Context:
    source: str
    max_depth: int
    max_components: int
    warnings: list[str] = field(default_factory=list)
    hash_algs: dict[str, str] = field(default_factory=dict)


def flatten(top: object, ctx: Context) -> list[Raw]:
    """Pre-order list of every component under ``top`` (a ``components`` array)."""
    out: list[Raw] = []
    if not isinstance(top, list):
        return out
    stack: list[tuple[Raw, int]] = [(c, 1) for c in reversed(top) if isinstance(c, dict)]
    while stack:
        node, level = stack.pop()
        # Each nesting level is two JSON levels (the array and the object).
        if 2 * level + 1 > ctx.max_depth:
            raise InputTooDeep(
                f"components nested more than {(ctx.max_depth - 1) // 2} levels deep",
                file=ctx.source,
                code="too_deep",
                hint="raise HEMOSTAT_LIMIT_MAX_DEPTH if this SBOM is genuine",
            )
        out.append(node)
        kids = node.get("components")
        if isinstance(kids, list) and kids:
            stack.extend((k, level + 1) for k in reversed(kids) if isinstance(k, dict))
    return out


def _name_of(entity: object) -> str | None:
    return _str(entity.get("name")) if isinstance(entity, dict) else None


def _str(value: object) -> str | None:
    """A non-blank string, stripped (XML text is stripped too, so both formats agree)."""
    return (value.strip() or None) if isinstance(value, str) else None


def _licenses(raw: object) -> tuple[str, ...]:
    out: list[str] = []
    for entry in raw if isinstance(raw, list) else ():
        if not isinstance(entry, dict):
            continue
        lic = entry.get("license")
        text = (
            _str(lic.get("id")) or _str(lic.get("name"))
            if isinstance(lic, dict)
            else _str(entry.get("expression"))
        )
        if text:
            out.append(text)
    return tuple(out)


def _hashes(raw: object, ctx: Context) -> tuple[Hash, ...]:
    out: list[Hash] = []
    for h in raw if isinstance(raw, list) else ():
        if not isinstance(h, dict):
            continue
        alg, content = h.get("alg"), h.get("content")
        if isinstance(alg, str) and isinstance(content, str):
            canon = ctx.hash_algs.get(alg)
            if canon is None:  # norm_hash's regex work once per distinct algorithm spelling
                canon = ctx.hash_algs[alg] = norm_hash(alg, "").alg
            out.append(Hash(canon, content.strip().lower()))
    return tuple(out)


def _properties(raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        (str(p.get("name") or ""), str(p.get("value") or "")) for p in raw if isinstance(p, dict)
    )


def component(raw: Raw, ref: str, ctx: Context) -> Component:
    name = _str(raw.get("name")) or ""
    where = f"component {short(ref, 200)!r} ({short(name, 80)})"
    warnings = ctx.warnings
    props = _properties(raw.get("properties"))
    cpe_texts = [raw.get("cpe")] + [v for k, v in props if k == PROP_CPE]
    cpes = [clean_cpe(c, where=where, warnings=warnings) for c in cpe_texts if _str(c)]
    level, eos, note, support_warnings = support_from_properties(props, where=where)
    warnings.extend(support_warnings)
    return Component(
        bom_ref=ref,
        name=name,
        type=_str(raw.get("type")) or "library",
        version=_str(raw.get("version")),
        group=_str(raw.get("group")),
        supplier=_name_of(raw.get("supplier")),
        purl=clean_purl(_str(raw.get("purl")), where=where, warnings=warnings),
        cpes=tuple(dict.fromkeys(c for c in cpes if c)),
        hashes=_hashes(raw.get("hashes"), ctx),
        licenses=_licenses(raw.get("licenses")),
        scope=_str(raw.get("scope")),
        description=_str(raw.get("description")),
        level_of_support=level,
        end_of_support=eos,
        support_note=note,
        properties=props,
    )


def _contact(c: object) -> str | None:
    if not isinstance(c, dict):
        return None
    name, email = _str(c.get("name")), _str(c.get("email"))
    if name and email:
        return f"{name} <{email}>"
    return name or email or _str(c.get("phone"))


def _tool_names(tools: object) -> tuple[str, ...]:
    """1.2-1.4 ``[tool]`` and 1.5+ ``{components, services}`` (both legal in 1.5/1.6)."""
    items: Iterable[object]
    if isinstance(tools, dict):
        items = [*(tools.get("components") or ()), *(tools.get("services") or ())]
    else:
        items = tools if isinstance(tools, list) else ()
    out: list[str] = []
    for t in items:
        if isinstance(t, dict):
            who = _str(t.get("vendor")) or _str(t.get("group"))
            who = who or _name_of(t.get("supplier")) or _name_of(t.get("provider"))
            text = " ".join(x for x in (who, _str(t.get("name")), _str(t.get("version"))) if x)
            if text:
                out.append(text)
    return tuple(out)


def _timestamp(value: object, ctx: Context) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        ctx.warnings.append(f"metadata.timestamp {value!r} is not an ISO 8601 date-time; ignored")
        return None


def build_sbom(
    doc: Raw, *, fmt: SbomFormat, spec_version: str, sha256: str, raw: bytes, ctx: Context
) -> Sbom:
    meta_raw, subject_raw = doc.get("metadata"), None
    meta: Raw = meta_raw if isinstance(meta_raw, dict) else {}
    if isinstance(meta.get("component"), dict):
        subject_raw = meta["component"]
    flat = flatten(doc.get("components"), ctx)
    if subject_raw is not None:
        flat += flatten(subject_raw.get("components"), ctx)
    if len(flat) > ctx.max_components:  # before any per-component work
        raise InputTooLarge(
            f"{len(flat)} components, over the limit of {ctx.max_components}",
            file=ctx.source,
            code="sbom_too_large",
            hint="raise HEMOSTAT_LIMIT_MAX_COMPONENTS if this SBOM is genuine",
        )
    refs, subject_ref = assign_refs(flat, subject_raw, ctx.warnings)
    components = tuple(component(c, r, ctx) for c, r in zip(flat, refs, strict=True))
    subject = component(subject_raw, subject_ref, ctx) if subject_raw and subject_ref else None
    known = set(refs) | ({subject_ref} if subject_ref else set())
    services = all_services(doc.get("services"))
    edges = dependencies(doc.get("dependencies"), known, services, ctx.warnings)
    timestamp = _timestamp(meta.get("timestamp"), ctx)
    version = doc.get("version")
    return Sbom(
        format=fmt,
        spec_version=spec_version,
        sha256=sha256,
        raw=raw,
        components=components,
        dependencies=edges,
        subject=subject,
        serial=_str(doc.get("serialNumber")),
        doc_version=version if type(version) is int else None,
        name=subject.name if subject else None,
        timestamp=timestamp,
        authors=tuple(a for a in map(_contact, meta.get("authors") or ()) if a),
        tools=_tool_names(meta.get("tools")),
        supplier=_name_of(meta.get("supplier"))
        or _name_of(meta.get("manufacturer"))
        or _name_of(meta.get("manufacture"))
        or (subject.supplier if subject else None),
        warnings=tuple(ctx.warnings),  # last: everything above may have added to them
    )
