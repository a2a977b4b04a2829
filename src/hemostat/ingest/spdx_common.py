"""SPDX 2.2/2.3 document (a schema-valid, SPDX-JSON-shaped dict) → ``domain.Sbom``.

Both the JSON and the tag-value readers end here, so the two formats normalize identically.
The input has passed the official JSON schema, so key types are known; ``.get`` is still used
for every optional field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from hemostat.domain.component import Component, Dependency, Hash, Sbom, SbomFormat
from hemostat.ingest.common import clean_cpe, clean_purl, norm_hash, support_from_properties

_ABSENT = frozenset({"NOASSERTION", "NONE", ""})

_PURPOSE = {
    "APPLICATION": "application",
    "LIBRARY": "library",
    "FIRMWARE": "firmware",
    "OPERATING-SYSTEM": "operating-system",
    "OPERATING_SYSTEM": "operating-system",
    "DEVICE": "device",
    "CONTAINER": "container",
    "FRAMEWORK": "framework",
    "FILE": "file",
}

# Relationship types that make an edge "A depends on B" (forward) or "B depends on A" (reverse).
_FORWARD = frozenset({"DEPENDS_ON", "CONTAINS", "HAS_PREREQUISITE", "STATIC_LINK", "DYNAMIC_LINK"})
_REVERSE = frozenset(
    {
        "DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "DEV_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF",
        "PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "CONTAINED_BY",
        "PREREQUISITE_FOR", "PACKAGE_OF", "OPTIONAL_COMPONENT_OF",
    }
)  # fmt: skip
_SPECIAL_REFS = frozenset({"NONE", "NOASSERTION"})


def strip_agent(text: str | None) -> str | None:
    """``Organization: ACME (ops@acme.example)`` → ``ACME``; NOASSERTION/empty → None."""
    if text is None:
        return None
    t = text.strip()
    for prefix in ("Organization:", "Person:", "Tool:"):
        if t.startswith(prefix):
            t = t[len(prefix) :].strip()
            break
    if t.endswith(")") and "(" in t and "@" in t[t.rfind("(") :]:
        t = t[: t.rfind("(")].strip()
    return None if t in _ABSENT else t


def annotation_properties(comments: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``hemostat:name=value`` lines in annotation comments → (name, value) properties."""
    props: list[tuple[str, str]] = []
    for comment in comments:
        for line in comment.splitlines():
            name, sep, value = line.strip().partition("=")
            if sep and name.startswith("hemostat:"):
                props.append((name.strip(), value.strip()))
    return tuple(props)


def parse_timestamp(text: object, warnings: list[str]) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        ts = datetime.fromisoformat(text.strip())
    except ValueError:
        warnings.append(f"document: creation time {text!r} is not ISO 8601; ignored")
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def package_component(pkg: dict[str, Any], bom_ref: str, warnings: list[str]) -> Component:
    where = f"package {bom_ref}"
    purls: list[str] = []
    cpes: list[str] = []
    for ref in pkg.get("externalRefs", ()):
        category, rtype, locator = (
            ref["referenceCategory"],
            ref["referenceType"],
            ref["referenceLocator"],
        )
        if category in ("PACKAGE-MANAGER", "PACKAGE_MANAGER") and rtype == "purl":
            purl = clean_purl(locator, where=where, warnings=warnings)
            if purl and purl not in purls:
                purls.append(purl)
        elif category == "SECURITY" and rtype in ("cpe23Type", "cpe22Type"):
            cpe = clean_cpe(locator, where=where, warnings=warnings)
            if cpe and cpe not in cpes:
                cpes.append(cpe)
    props = annotation_properties(a["comment"] for a in pkg.get("annotations", ()))
    level, eos, note, support_warnings = support_from_properties(props, where=where)
    warnings.extend(support_warnings)
    extra = tuple(("spdx:purl", p) for p in purls[1:])  # a second purl is kept, not dropped
    # One license field in the domain (as in CycloneDX): the supplier's declared license, else the
    # concluded one; keeping both would turn into an AND of the two on export.
    declared, concluded = pkg.get("licenseDeclared"), pkg.get("licenseConcluded")
    licenses = [declared if declared and declared not in _ABSENT else concluded]
    version = pkg.get("versionInfo")
    return Component(
        bom_ref=bom_ref,
        name=pkg["name"],
        type=_PURPOSE.get(pkg.get("primaryPackagePurpose", ""), "library"),
        version=None if version in _ABSENT else version,
        supplier=strip_agent(pkg.get("supplier")),
        purl=purls[0] if purls else None,
        cpes=tuple(cpes),
        hashes=_hashes(pkg.get("checksums", ())),
        licenses=tuple(dict.fromkeys(x for x in licenses if x and x not in _ABSENT)),
        description=pkg.get("description") or pkg.get("summary"),
        level_of_support=level,
        end_of_support=eos,
        support_note=note,
        properties=props + extra,
    )


def _hashes(checksums: Iterable[dict[str, str]]) -> tuple[Hash, ...]:
    return tuple(dict.fromkeys(_hash(c["algorithm"], c["checksumValue"]) for c in checksums))


_ALG: dict[str, str] = {}


def _hash(alg: str, value: str) -> Hash:
    # norm_hash runs a regex per call (~18 µs); SPDX uses a handful of algorithm names, so their
    # canonical spelling is looked up once each and the value is normalized like norm_hash does.
    if alg not in _ALG:
        _ALG[alg] = norm_hash(alg, "").alg
    return Hash(_ALG[alg], value.strip().lower())


def edges(
    relationships: Iterable[dict[str, Any]],
    packages: set[str],
    known: set[str],
    warnings: list[str],
) -> tuple[list[Dependency], list[str]]:
    """Dependency edges between packages, and the element IDs the document DESCRIBES.

    Edges that touch a file, snippet or the document itself are not component edges and are
    skipped; a reference to an ID that is nowhere in the document is warned about.
    """
    out: dict[tuple[str, str], None] = {}
    described: list[str] = []
    for rel in relationships:
        a, kind, b = rel["spdxElementId"], rel["relationshipType"], rel["relatedSpdxElement"]
        dangling = [x for x in (a, b) if x not in known and not _external(x)]
        if dangling:
            warnings.append(f"relationship {a} {kind} {b}: unknown element {dangling[0]}")
        elif kind == "DESCRIBES":
            described.append(b)
        elif kind == "DESCRIBED_BY":
            described.append(a)
        elif a in packages and b in packages:
            if kind in _FORWARD:
                out[(a, b)] = None
            elif kind in _REVERSE:
                out[(b, a)] = None
    return [Dependency(a, b) for a, b in out], described


def _external(ref: str) -> bool:
    """``DocumentRef-x:SPDXRef-y`` points into another document; NONE/NOASSERTION point nowhere."""
    return ref in _SPECIAL_REFS or ref.startswith("DocumentRef-")


def normalize(
    doc: dict[str, Any],
    *,
    fmt: SbomFormat,
    source: str,
    sha256: str,
    extra_ids: frozenset[str] = frozenset(),
    warnings: Iterable[str] = (),
) -> Sbom:
    """Normalize a schema-valid SPDX 2.x dict. ``extra_ids``: elements the caller parsed but did
    not put in ``doc`` (tag-value snippets), so relationships to them are not called dangling."""
    warns = list(warnings)
    components: list[Component] = []
    by_ref: dict[str, Component] = {}
    for i, pkg in enumerate(doc.get("packages", ())):
        ref = pkg["SPDXID"]
        if ref in by_ref:
            new_ref = f"{ref}#dup{i}"
            warns.append(f"package {ref}: SPDXID repeated (package #{i}); kept as {new_ref}")
            ref = new_ref
        comp = package_component(pkg, ref, warns)
        by_ref[ref] = comp
        components.append(comp)
    doc_id = doc["SPDXID"]
    known = set(by_ref) | set(extra_ids) | {doc_id}
    known.update(f["SPDXID"] for f in doc.get("files", ()))
    known.update(s["SPDXID"] for s in doc.get("snippets", ()))
    deps, described = edges(doc.get("relationships", ()), set(by_ref), known, warns)
    for ref in doc.get("documentDescribes", ()):
        if ref not in known and not _external(ref):
            warns.append(f"documentDescribes names unknown element {ref}")
        else:
            described.append(ref)
    subject = _subject(described, by_ref)
    if subject is not None and any(d.ref == subject.bom_ref for d in deps):
        # The subject is the product (the device) when it is the one described package and has
        # dependencies of its own: then it is the root, not one of its components. A lone
        # described package with no edges (a one-package SBOM) stays in components too, so that
        # it is matched against vulnerabilities like any other component.
        components = [c for c in components if c is not subject]
    info = doc["creationInfo"]
    creators = info["creators"]
    return Sbom(
        format=fmt,
        spec_version=doc["spdxVersion"].strip().removeprefix("SPDX-"),
        sha256=sha256,
        raw=b"",
        components=tuple(components),
        dependencies=tuple(deps),
        subject=subject,
        serial=doc.get("documentNamespace"),
        name=doc.get("name"),
        timestamp=parse_timestamp(info.get("created"), warns),
        authors=_agents(creators, ("Person:", "Organization:")),
        tools=_agents(creators, ("Tool:",)),
        warnings=tuple(warns),
    )


def _agents(creators: Iterable[str], prefixes: tuple[str, ...]) -> tuple[str, ...]:
    found = (strip_agent(c) for c in creators if c.strip().startswith(prefixes))
    return tuple(dict.fromkeys(x for x in found if x))


def _subject(described: list[str], by_ref: dict[str, Component]) -> Component | None:
    """The one described package, or None when none or several packages are described."""
    packages = list(dict.fromkeys(r for r in described if r in by_ref))
    return by_ref[packages[0]] if len(packages) == 1 else None
