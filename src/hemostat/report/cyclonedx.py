"""CycloneDX 1.6 JSON export.

Written by hand with orjson rather than with cyclonedx-python-lib: that library's writer is O(n²)
(about 65 s for 10k components, docs LIBRARIES.md). ``build`` returns the document as plain dicts
in the key order of the 1.6 schema; ``cyclonedx_xml`` renders the same dicts as XML, so both
formats always carry the same content.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from hemostat.domain.component import PROP_CPE, Component, Sbom
from hemostat.report.common import (
    TOOL_NAME,
    TOOL_VERSION,
    Prepared,
    agent_name,
    as_operand,
    bom_uuid,
    export_properties,
    iso_utc,
    license_kind,
    prepare,
)

SPEC_VERSION = "1.6"
Doc = dict[str, Any]

_TYPES = frozenset(
    ("application", "framework", "library", "container", "platform", "operating-system", "device",
     "device-driver", "firmware", "file", "machine-learning-model", "data", "cryptographic-asset")
)  # fmt: skip
_SCOPES = frozenset(("required", "optional", "excluded"))
_HASH_ALGS = frozenset(
    ("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512",
     "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3")
)  # fmt: skip
_HASH_VALUE = re.compile(r"^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$")  # fmt: skip # noqa: E501
# The 1.6 XSD's own ``cpe`` pattern (CPE 2.2 URI or 2.3 formatted string); CPEs that fail it are
# kept as ``hemostat:cpe`` properties so the document stays schema-valid.
_CPE = re.compile(r"^(([c][pP][eE]:/[AHOaho]?(:[A-Za-z0-9\._\-~%]*){0,6})|(cpe:2\.3:[aho\*\-](:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!\"#$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+(\?*|\*?))|[\*\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))(:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!\"#$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+(\?*|\*?))|[\*\-])){4}))$")  # fmt: skip # noqa: E501


def render(sbom: Sbom) -> bytes:
    """CycloneDX 1.6 JSON, 2-space indented, ending in a newline; same SBOM -> same bytes."""
    return orjson.dumps(build(sbom), option=orjson.OPT_INDENT_2) + b"\n"


def build(sbom: Sbom) -> Doc:
    prep = prepare(sbom)
    doc: Doc = {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": bom_uuid(sbom),
        "version": max(sbom.doc_version or 1, 1),
        "metadata": _metadata(sbom, prep),
    }
    if prep.components:
        doc["components"] = [component(c, ref) for ref, c in prep.components]
    if prep.edges:
        doc["dependencies"] = [{"ref": ref, "dependsOn": list(deps)} for ref, deps in prep.edges]
    return doc


def _metadata(sbom: Sbom, prep: Prepared) -> Doc:
    meta: Doc = {}
    timestamp = iso_utc(sbom.timestamp)  # the SBOM's own time, never "now": output is stable
    if timestamp:
        meta["timestamp"] = timestamp
    meta["tools"] = {"components": _tools(sbom)}
    authors = sorted({agent_name(a) for a in sbom.authors} - {""})
    if authors:
        meta["authors"] = [{"name": a} for a in authors]
    if prep.subject is not None:
        ref, subject = prep.subject
        meta["component"] = component(subject, ref)
    if sbom.supplier and agent_name(sbom.supplier):
        meta["supplier"] = {"name": agent_name(sbom.supplier)}
    return meta


def _tools(sbom: Sbom) -> list[Doc]:
    ours = {"type": "application", "name": TOOL_NAME, "version": TOOL_VERSION}
    ours_spelled = {TOOL_NAME, *(f"{TOOL_NAME}{sep}{TOOL_VERSION}" for sep in (" ", "-", "@"))}
    others = {agent_name(t) for t in sbom.tools} - ours_spelled - {""}
    tools = [ours, *({"type": "application", "name": t} for t in others)]
    return sorted(tools, key=lambda t: (t["name"], t.get("version", "")))


def component(c: Component, ref: str) -> Doc:
    """One component in 1.6 key order (the XML writer relies on this order matching the XSD)."""
    d: Doc = {"type": c.type if c.type in _TYPES else "library", "bom-ref": ref}
    if c.supplier and agent_name(c.supplier):
        d["supplier"] = {"name": agent_name(c.supplier)}
    if c.group:
        d["group"] = c.group
    d["name"] = c.name
    if c.version:
        d["version"] = c.version
    if c.description:
        d["description"] = c.description
    if c.scope in _SCOPES:
        d["scope"] = c.scope
    hashes = _hashes(c)
    if hashes:
        d["hashes"] = hashes
    if c.licenses:
        d["licenses"] = licenses(c.licenses)
    cpe, extra_cpes = _split_cpes(c.cpes)
    if cpe:
        d["cpe"] = cpe
    if c.purl:
        d["purl"] = c.purl
    props = export_properties(c) + [(PROP_CPE, x) for x in extra_cpes]
    if props:
        d["properties"] = [{"name": n, "value": v} for n, v in sorted(props, key=lambda p: p[0])]
    return d


def _hashes(c: Component) -> list[Doc]:
    """Only algorithms and digest lengths the 1.6 schema accepts (e.g. no SHA-224 from SPDX)."""
    pairs = {
        (h.alg, h.value) for h in c.hashes if h.alg in _HASH_ALGS and _HASH_VALUE.match(h.value)
    }
    return [{"alg": alg, "content": value} for alg, value in sorted(pairs)]


def _split_cpes(cpes: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """The first schema-valid CPE goes in the ``cpe`` field, all others become properties."""
    first = next((x for x in cpes if _CPE.match(x)), None)
    return first, [x for x in cpes if x != first]


def licenses(values: tuple[str, ...]) -> list[Doc]:
    """SPDX ids as ``license.id``, other names as ``license.name``; an expression stands alone.

    The schema allows either a list of licenses or exactly one expression, so several entries
    that include an expression become one ``AND`` expression, unless names force the list form.
    """
    kinds = [(v.strip(), license_kind(v)) for v in values if v.strip()]
    if any(k == "expression" for _, k in kinds):
        if len(kinds) == 1:
            return [{"expression": kinds[0][0]}]
        if all(k != "name" for _, k in kinds):
            return [{"expression": " AND ".join(as_operand(v) for v, _ in kinds)}]
    key = {"id": "id", "expression": "name", "name": "name"}
    return [{"license": {key[k]: v}} for v, k in kinds]
