"""SPDX 2.3 JSON export, written by hand with orjson (spdx-tools validates in O(n²), LIBRARIES.md).

Determinism: the namespace comes from the SBOM's serial (or its SHA-256), ``created`` is the SBOM's
own timestamp or 1970-01-01T00:00:00Z when it has none (never "now"), SPDXIDs derive from
bom-refs, and every list is sorted.

Support data travels as one package annotation per property, annotationType OTHER, comment
``name=value`` (e.g. ``hemostat:level_of_support=actively_maintained``); the SPDX reader parses
those back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

import orjson

from hemostat.domain.component import Component, Sbom
from hemostat.report.common import (
    EPOCH,
    TOOL_NAME,
    TOOL_VERSION,
    agent_kind,
    agent_name,
    as_operand,
    bom_uuid,
    export_properties,
    iso_utc,
    license_kind,
    prepare,
)

Doc = dict[str, Any]
TOOL = f"Tool: {TOOL_NAME}-{TOOL_VERSION}"
NAMESPACE_BASE = "https://spdx.org/spdxdocs/hemostat/"
_SAFE_ID = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")
_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")
_SAFE_REF = re.compile(r"^[A-Za-z0-9.\-]+$")
_LOCAL_REF = re.compile(
    r"(?<![\w:.\-])LicenseRef-[A-Za-z0-9.\-]+"
)  # not DocumentRef-x:LicenseRef-y
_CHECKSUM_ALGS = {  # CycloneDX spelling -> SPDX 2.3 spelling; anything else is not allowed
    "SHA-1": "SHA1", "SHA-224": "SHA224", "SHA-256": "SHA256", "SHA-384": "SHA384",
    "SHA-512": "SHA512", "SHA3-256": "SHA3-256", "SHA3-384": "SHA3-384", "SHA3-512": "SHA3-512",
    "BLAKE2b-256": "BLAKE2b-256", "BLAKE2b-384": "BLAKE2b-384", "BLAKE2b-512": "BLAKE2b-512",
    "BLAKE3": "BLAKE3", "MD2": "MD2", "MD4": "MD4", "MD5": "MD5", "MD6": "MD6",
    "ADLER32": "ADLER32",
}  # fmt: skip
_PURPOSE = {
    "application": "APPLICATION", "framework": "FRAMEWORK", "library": "LIBRARY",
    "container": "CONTAINER", "operating-system": "OPERATING_SYSTEM", "device": "DEVICE",
    "firmware": "FIRMWARE", "file": "FILE", "install": "INSTALL", "archive": "ARCHIVE",
    "source": "SOURCE",
}  # fmt: skip


def render(sbom: Sbom) -> bytes:
    """SPDX 2.3 JSON, 2-space indented, ending in a newline; same SBOM -> same bytes."""
    return orjson.dumps(build(sbom), option=orjson.OPT_INDENT_2) + b"\n"


def build(sbom: Sbom) -> Doc:
    prep = prepare(sbom)
    created = iso_utc(sbom.timestamp) or EPOCH
    entries = list(prep.components)
    if prep.subject is not None:
        ref, subject = prep.subject
        if not subject.supplier and sbom.supplier:  # SPDX has no document supplier: the
            subject = replace(subject, supplier=sbom.supplier)  # product's maker supplies it
        entries.insert(0, (ref, subject))
    ids = spdx_ids([ref for ref, _ in entries])
    refs = _LicenseRefs()
    packages = [_package(c, ids[ref], created, refs) for ref, c in entries]
    packages.sort(key=lambda p: p["SPDXID"])
    doc: Doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": _doc_name(sbom),
        "documentNamespace": _namespace(sbom),
        "creationInfo": {"created": created, "creators": _creators(sbom)},
        "packages": packages,
    }
    if refs.extracted:
        doc["hasExtractedLicensingInfos"] = [
            {"licenseId": lid, "extractedText": text}
            | ({"name": text} if text != "NOASSERTION" else {})
            for lid, text in sorted(refs.extracted.items())
        ]
    doc["relationships"] = _relationships(prep.subject, prep.edges, ids, entries)
    return doc


def _doc_name(sbom: Sbom) -> str:
    if sbom.name:
        return sbom.name
    if sbom.subject is not None:
        return " ".join(filter(None, (sbom.subject.name, sbom.subject.version)))
    return "hemostat-export"


def _namespace(sbom: Sbom) -> str:
    """A URI unique to this SBOM: its own namespace if it was SPDX, else one from its uuid."""
    serial = (sbom.serial or "").strip()
    if serial.startswith(("https://", "http://")) and " " not in serial and "#" not in serial:
        return serial
    slug = _UNSAFE.sub("-", (sbom.name or "sbom").strip()).strip("-")[:64] or "sbom"
    return f"{NAMESPACE_BASE}{slug}-{bom_uuid(sbom).removeprefix('urn:uuid:')}"


def _creators(sbom: Sbom) -> list[str]:
    authors = {f"{agent_kind(a, 'Person')}: {agent_name(a)}" for a in sbom.authors if agent_name(a)}
    tools = {f"Tool: {agent_name(t)}" for t in sbom.tools if agent_name(t)}
    return sorted(authors) + sorted((tools | {TOOL}) - {f"Tool: {TOOL_NAME}"})


def spdx_ids(refs: list[str]) -> dict[str, str]:
    """bom-ref -> unique SPDXID. Safe ``SPDXRef-`` refs are kept, others sanitized + hashed."""
    out: dict[str, str] = {}
    taken = {"SPDXRef-DOCUMENT"}
    for ref in sorted(set(refs)):
        if _SAFE_ID.match(ref) and ref not in taken:
            sid = ref
        elif _SAFE_REF.match(ref) and f"SPDXRef-{ref}" not in taken:
            sid = f"SPDXRef-{ref}"
        else:
            stem = "SPDXRef-" + (_UNSAFE.sub("-", ref).strip("-")[:80] or "ref")
            digest = hashlib.sha256(ref.encode()).hexdigest()
            sid, n = f"{stem}-{digest[:8]}", 8
            while sid in taken:  # a clash with a kept ref: lengthen the hash
                n += 4
                sid = f"{stem}-{digest[:n]}"
        taken.add(sid)
        out[ref] = sid
    return out


def _package(c: Component, sid: str, created: str, refs: _LicenseRefs) -> Doc:
    p: Doc = {"name": c.name, "SPDXID": sid}
    if c.version:
        p["versionInfo"] = c.version
    if c.supplier and agent_name(c.supplier):
        p["supplier"] = f"{agent_kind(c.supplier, 'Organization')}: {agent_name(c.supplier)}"
    p["downloadLocation"] = "NOASSERTION"
    p["filesAnalyzed"] = False  # no file list, so no packageVerificationCode is required
    checksums = {(_CHECKSUM_ALGS[h.alg], h.value) for h in c.hashes if h.alg in _CHECKSUM_ALGS}
    if checksums:
        p["checksums"] = [{"algorithm": a, "checksumValue": v} for a, v in sorted(checksums)]
    expression = refs.expression(c.licenses)
    p["licenseConcluded"] = expression  # the same expression in both fields (NOASSERTION if none)
    p["licenseDeclared"] = expression
    p["copyrightText"] = "NOASSERTION"
    if c.description:
        p["description"] = c.description
    external = _external_refs(c)
    if external:
        p["externalRefs"] = external
    p["primaryPackagePurpose"] = _PURPOSE.get(c.type.lower().replace("_", "-"), "OTHER")
    annotations = sorted({f"{n}={v}" for n, v in export_properties(c)})
    if annotations:
        p["annotations"] = [
            {"annotationDate": created, "annotationType": "OTHER", "annotator": TOOL, "comment": a}
            for a in annotations
        ]
    return p


def _external_refs(c: Component) -> list[Doc]:
    refs: list[Doc] = []
    if c.purl:
        refs.append(_ext("PACKAGE-MANAGER", "purl", c.purl))
    for cpe in dict.fromkeys(c.cpes):  # keep the order: the first CPE is the primary one
        refs.append(_ext("SECURITY", "cpe22Type" if cpe.startswith("cpe:/") else "cpe23Type", cpe))
    return refs


def _ext(category: str, kind: str, locator: str) -> Doc:
    return {"referenceCategory": category, "referenceType": kind, "referenceLocator": locator}


class _LicenseRefs:
    """Builds license expressions; names that are not SPDX ids become ``LicenseRef-`` entries."""

    def __init__(self) -> None:
        self.extracted: dict[str, str] = {}

    def expression(self, values: tuple[str, ...]) -> str:
        parts = [self._term(v.strip()) for v in values if v.strip()]
        if not parts:
            return "NOASSERTION"
        if len(parts) == 1:
            return parts[0]
        return " AND ".join(as_operand(p) for p in parts)

    def _term(self, value: str) -> str:
        kind = license_kind(value)
        if kind in ("id", "expression"):
            for lid in _LOCAL_REF.findall(value):  # SPDX requires each LicenseRef be defined
                self.extracted.setdefault(lid, "NOASSERTION")  # its text is not in the domain
            return value
        lid = "LicenseRef-" + (_UNSAFE.sub("-", value).strip("-")[:64] or "unnamed")
        lid += "-" + hashlib.sha256(value.encode()).hexdigest()[:8]
        self.extracted[lid] = value
        return lid


def _relationships(
    subject: tuple[str, Component] | None,
    edges: tuple[tuple[str, tuple[str, ...]], ...],
    ids: dict[str, str],
    entries: list[tuple[str, Component]],
) -> list[Doc]:
    if subject is not None:
        described = [subject[0]]
    else:  # no subject: the document describes its roots (or everything, if it is all cycles)
        targets = {d for _, deps in edges for d in deps}
        described = [ref for ref, _ in entries if ref not in targets] or [r for r, _ in entries]
    rels = [("SPDXRef-DOCUMENT", "DESCRIBES", ids[r]) for r in described]
    rels += [(ids[ref], "DEPENDS_ON", ids[d]) for ref, deps in edges for d in deps]
    return [
        {"spdxElementId": a, "relationshipType": t, "relatedSpdxElement": b}
        for a, t, b in sorted(rels)
    ]
