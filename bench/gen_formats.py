"""Writers for the synthetic document: CycloneDX 1.5 JSON/XML, SPDX 2.3 JSON and tag-value.

All four are hand-built (dicts, lxml, plain strings): the peer libraries' serialisers take minutes
at 10k components (PERFORMANCE.md §1.6), and output must be byte-identical for a given seed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from lxml import etree

from gen_model import TIMESTAMP, Comp, Doc, License

CDX_NS = "http://cyclonedx.org/schema/bom/1.5"
TOOL = ("hemostat-bench", "gen_sbom", "1")
ROOT_REF = "device-root"
ROOT_NAME, ROOT_VERSION = "Bench Infusion Pump", "4.2.0"
_SPDX_ALG = {"SHA-256": "SHA256", "SHA-1": "SHA1"}


# --- CycloneDX JSON ---------------------------------------------------------------------------


def _cdx_license(lic: License) -> list[dict[str, Any]]:
    if lic.kind == "expression":
        return [{"expression": lic.value}]
    return [{"license": {lic.kind: lic.value}}]


def _cdx_component(c: Comp) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "library", "bom-ref": c.bom_ref}
    if c.supplier:
        out["supplier"] = {"name": c.supplier}
    if c.group:
        out["group"] = c.group
    out |= {"name": c.name, "version": c.version}
    out["hashes"] = [{"alg": a, "content": v} for a, v in c.hashes]
    if c.license:
        out["licenses"] = _cdx_license(c.license)
    if c.cpe:
        out["cpe"] = c.cpe
    out["purl"] = c.purl
    if c.ext_refs:
        out["externalReferences"] = [{"type": t, "url": u} for t, u in c.ext_refs]
    if c.properties:
        out["properties"] = [{"name": k, "value": v} for k, v in c.properties]
    return out


def cyclonedx_dict(doc: Doc, *, root_type: str = "device") -> dict[str, Any]:
    comps = doc.components
    by = {c.index: c.bom_ref for c in comps}
    deps = [{"ref": ROOT_REF, "dependsOn": [by[j] for j in doc.root_depends_on]}]
    deps += [{"ref": c.bom_ref, "dependsOn": [by[j] for j in c.depends_on]} for c in comps]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": doc.serial,
        "version": 1,
        "metadata": {
            "timestamp": TIMESTAMP,
            "tools": {
                "components": [
                    {"type": "application", "group": TOOL[0], "name": TOOL[1], "version": TOOL[2]}
                ]
            },
            "authors": [{"name": "Bench Product Security"}],
            "component": {
                "type": root_type,
                "bom-ref": ROOT_REF,
                "name": ROOT_NAME,
                "version": ROOT_VERSION,
            },
            "supplier": {"name": "Bench Medical Inc."},
        },
        "components": [_cdx_component(c) for c in comps],
        "dependencies": deps,
    }


def cyclonedx_json(doc: Doc, *, root_type: str = "device") -> bytes:
    return json.dumps(
        cyclonedx_dict(doc, root_type=root_type), indent=2, ensure_ascii=False
    ).encode()


# --- CycloneDX XML ----------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{CDX_NS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _xml_component(parent: etree._Element, c: Comp) -> None:
    el = _sub(parent, "component", type="library", **{"bom-ref": c.bom_ref})
    if c.supplier:
        _sub(_sub(el, "supplier"), "name", c.supplier)
    if c.group:
        _sub(el, "group", c.group)
    _sub(el, "name", c.name)
    _sub(el, "version", c.version)
    hashes = _sub(el, "hashes")
    for alg, value in c.hashes:
        _sub(hashes, "hash", value, alg=alg)
    if c.license:
        lics = _sub(el, "licenses")
        if c.license.kind == "expression":
            _sub(lics, "expression", c.license.value)
        else:
            _sub(_sub(lics, "license"), c.license.kind, c.license.value)
    if c.cpe:
        _sub(el, "cpe", c.cpe)
    _sub(el, "purl", c.purl)
    if c.ext_refs:
        refs = _sub(el, "externalReferences")
        for kind, url in c.ext_refs:
            _sub(_sub(refs, "reference", type=kind), "url", url)
    if c.properties:
        props = _sub(el, "properties")
        for k, v in c.properties:
            _sub(props, "property", v, name=k)


def cyclonedx_xml(doc: Doc) -> bytes:
    nsmap: dict[Any, str] = {None: CDX_NS}  # the default namespace; lxml-stubs only allow str keys
    bom = etree.Element(
        f"{{{CDX_NS}}}bom", {"serialNumber": doc.serial, "version": "1"}, nsmap=nsmap
    )
    meta = _sub(bom, "metadata")
    _sub(meta, "timestamp", TIMESTAMP)
    tool = _sub(_sub(_sub(meta, "tools"), "components"), "component", type="application")
    for tag, value in zip(("group", "name", "version"), TOOL, strict=True):
        _sub(tool, tag, value)
    _sub(_sub(_sub(meta, "authors"), "author"), "name", "Bench Product Security")
    root = _sub(meta, "component", type="device", **{"bom-ref": ROOT_REF})
    _sub(root, "name", ROOT_NAME)
    _sub(root, "version", ROOT_VERSION)
    _sub(_sub(meta, "supplier"), "name", "Bench Medical Inc.")
    comps = _sub(bom, "components")
    for c in doc.components:
        _xml_component(comps, c)
    deps = _sub(bom, "dependencies")
    pairs = [(ROOT_REF, doc.root_depends_on)] + [(c.bom_ref, c.depends_on) for c in doc.components]
    by = {c.index: c.bom_ref for c in doc.components}
    for ref, on in pairs:
        d = _sub(deps, "dependency", ref=ref)
        for j in on:
            _sub(d, "dependency", ref=by[j])
    return etree.tostring(bom, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- SPDX 2.3 ---------------------------------------------------------------------------------


def _license_ref(lic: License) -> str:
    return "LicenseRef-" + "".join(ch for ch in lic.value.title() if ch.isalnum())


def _spdx_license(c: Comp) -> str:
    if c.license is None:
        return "NOASSERTION"
    return _license_ref(c.license) if c.license.kind == "name" else c.license.value


def _extracted(doc: Doc) -> list[tuple[str, str]]:
    names = sorted(
        {c.license.value for c in doc.components if c.license and c.license.kind == "name"}
    )
    return [(_license_ref(License("name", n)), n) for n in names]


def _relationships(doc: Doc) -> list[tuple[str, str, str]]:
    rels = [("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Root")]
    rels += [("SPDXRef-Root", "DEPENDS_ON", f"SPDXRef-Package-{j}") for j in doc.root_depends_on]
    rels += [
        (c.spdx_id, "DEPENDS_ON", f"SPDXRef-Package-{j}")
        for c in doc.components
        for j in c.depends_on
    ]
    return rels


def _spdx_package(c: Comp) -> dict[str, Any]:
    refs = [
        {
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": c.purl,
        }
    ]
    if c.cpe:
        refs.append(
            {
                "referenceCategory": "SECURITY",
                "referenceType": "cpe23Type",
                "referenceLocator": c.cpe,
            }
        )
    lic = _spdx_license(c)
    return {
        "SPDXID": c.spdx_id,
        "name": c.name,
        "versionInfo": c.version,
        "supplier": f"Organization: {c.supplier}" if c.supplier else "NOASSERTION",
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "checksums": [{"algorithm": _SPDX_ALG[a], "checksumValue": v} for a, v in c.hashes],
        "licenseConcluded": lic,
        "licenseDeclared": lic,
        "copyrightText": "NOASSERTION",
        "externalRefs": refs,
        "primaryPackagePurpose": "LIBRARY",
    }


def spdx_json(doc: Doc) -> bytes:
    root = {
        "SPDXID": "SPDXRef-Root",
        "name": ROOT_NAME,
        "versionInfo": ROOT_VERSION,
        "supplier": "Organization: Bench Medical Inc.",
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "primaryPackagePurpose": "DEVICE",
    }
    out = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{ROOT_NAME} {ROOT_VERSION}",
        "documentNamespace": f"https://bench.example.com/spdx/{doc.serial[9:]}",
        "creationInfo": {
            "created": TIMESTAMP,
            "creators": [f"Tool: {TOOL[1]}-{TOOL[2]}", "Organization: Bench Medical Inc."],
        },
        "packages": [root] + [_spdx_package(c) for c in doc.components],
        "relationships": [
            {"spdxElementId": a, "relationshipType": r, "relatedSpdxElement": b}
            for a, r, b in _relationships(doc)
        ],
        "hasExtractedLicensingInfos": [
            {"licenseId": ref, "name": name, "extractedText": f"{name}: see vendor documentation."}
            for ref, name in _extracted(doc)
        ],
    }
    return json.dumps(out, indent=2, ensure_ascii=False).encode()


def _tv_package(c: Comp) -> list[str]:
    lic = _spdx_license(c)
    lines = [
        f"PackageName: {c.name}",
        f"SPDXID: {c.spdx_id}",
        f"PackageVersion: {c.version}",
        f"PackageSupplier: Organization: {c.supplier}"
        if c.supplier
        else "PackageSupplier: NOASSERTION",
        "PackageDownloadLocation: NOASSERTION",
        "FilesAnalyzed: false",
    ]
    lines += [f"PackageChecksum: {_SPDX_ALG[a]}: {v}" for a, v in c.hashes]
    lines += [
        f"PackageLicenseConcluded: {lic}",
        f"PackageLicenseDeclared: {lic}",
        "PackageCopyrightText: NOASSERTION",
    ]
    lines.append(f"ExternalRef: PACKAGE-MANAGER purl {c.purl}")
    if c.cpe:
        lines.append(f"ExternalRef: SECURITY cpe23Type {c.cpe}")
    lines.append("PrimaryPackagePurpose: LIBRARY")
    return lines


def spdx_tagvalue(doc: Doc) -> bytes:
    """SPDX 2.3 tag-value, written directly (spdx-tools' writer is far too slow at 10k)."""
    lines = [
        "SPDXVersion: SPDX-2.3",
        "DataLicense: CC0-1.0",
        "SPDXID: SPDXRef-DOCUMENT",
        f"DocumentName: {ROOT_NAME} {ROOT_VERSION}",
        f"DocumentNamespace: https://bench.example.com/spdx/{doc.serial[9:]}",
        f"Creator: Tool: {TOOL[1]}-{TOOL[2]}",
        "Creator: Organization: Bench Medical Inc.",
        f"Created: {TIMESTAMP}",
        "",
        f"PackageName: {ROOT_NAME}",
        "SPDXID: SPDXRef-Root",
        f"PackageVersion: {ROOT_VERSION}",
        "PackageSupplier: Organization: Bench Medical Inc.",
        "PackageDownloadLocation: NOASSERTION",
        "FilesAnalyzed: false",
        "PrimaryPackagePurpose: DEVICE",
        "",
    ]
    for c in doc.components:
        lines += [*_tv_package(c), ""]
    for ref, name in _extracted(doc):
        lines += [
            f"LicenseID: {ref}",
            f"ExtractedText: <text>{name}: see vendor documentation.</text>",
        ]
        lines += [f"LicenseName: {name}", ""]
    lines += [f"Relationship: {a} {r} {b}" for a, r, b in _relationships(doc)]
    return ("\n".join(lines) + "\n").encode()


def trivy_variant(doc: Doc) -> bytes:
    """CycloneDX JSON Trivy 0.59 accepts: root type ``application`` and no apk (it rejects
    ``device`` roots and SBOMs mixing deb and apk, PERFORMANCE.md TL;DR)."""
    kept = {c.index for c in doc.components if c.ecosystem != "apk"}
    comps = tuple(
        replace(c, depends_on=tuple(j for j in c.depends_on if j in kept))
        for c in doc.components
        if c.index in kept
    )
    root_deps = tuple(j for j in doc.root_depends_on if j in kept)
    data = cyclonedx_dict(Doc(doc.seed, comps, root_deps), root_type="application")
    return json.dumps(data, indent=2).encode()
