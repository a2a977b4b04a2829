"""CycloneDX 1.6 XML export: the JSON exporter's document, written in XSD element order with lxml.

Hand-written for the same reason as the JSON side (cyclonedx-python-lib's writer is O(n²)). The
dicts from ``cyclonedx.build`` already hold their keys in the XSD's sequence order, so each
element is written in the order it appears there; only attributes need special handling.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from hemostat.domain.component import Sbom
from hemostat.report import cyclonedx

NS = "http://cyclonedx.org/schema/bom/1.6"
_ATTRIBUTES = ("type", "bom-ref")  # component keys that the XSD makes attributes
# Characters XML 1.0 cannot carry at all (C0 controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Doc = dict[str, Any]
El = etree._Element


def render(sbom: Sbom) -> bytes:
    """CycloneDX 1.6 XML, pretty-printed UTF-8 with a declaration; same SBOM -> same bytes."""
    doc = cyclonedx.build(sbom)
    root = etree.Element(_q("bom"), nsmap={None: NS})  # type: ignore[dict-item]  # lxml-stubs
    root.set("serialNumber", doc["serialNumber"])
    root.set("version", str(doc["version"]))
    _metadata(_sub(root, "metadata"), doc["metadata"])
    if "components" in doc:
        parent = _sub(root, "components")
        for c in doc["components"]:
            _component(parent, c)
    if "dependencies" in doc:
        deps = _sub(root, "dependencies")
        for d in doc["dependencies"]:
            node = _sub(deps, "dependency", ref=d["ref"])
            for target in d["dependsOn"]:
                _sub(node, "dependency", ref=target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _metadata(parent: El, meta: Doc) -> None:
    if "timestamp" in meta:
        _sub(parent, "timestamp", meta["timestamp"])
    tools = _sub(_sub(parent, "tools"), "components")
    for tool in meta["tools"]["components"]:
        _component(tools, tool)
    if "authors" in meta:
        authors = _sub(parent, "authors")
        for author in meta["authors"]:
            _sub(_sub(authors, "author"), "name", author["name"])
    if "component" in meta:
        _component(parent, meta["component"])
    if "supplier" in meta:
        _sub(_sub(parent, "supplier"), "name", meta["supplier"]["name"])


def _component(parent: El, c: Doc) -> None:
    node = _sub(parent, "component", **{k: c[k] for k in _ATTRIBUTES if k in c})
    for key, value in c.items():
        if key in _ATTRIBUTES:
            continue
        if key == "supplier":
            _sub(_sub(node, "supplier"), "name", value["name"])
        elif key == "hashes":
            hashes = _sub(node, "hashes")
            for h in value:
                _sub(hashes, "hash", h["content"], alg=h["alg"])
        elif key == "licenses":
            _licenses(_sub(node, "licenses"), value)
        elif key == "properties":
            props = _sub(node, "properties")
            for p in value:
                _sub(props, "property", p["value"], name=p["name"])
        else:  # group, name, version, description, scope, cpe, purl: plain text elements
            _sub(node, key, value)


def _licenses(parent: El, choices: list[Doc]) -> None:
    for choice in choices:
        if "expression" in choice:
            _sub(parent, "expression", choice["expression"])
        else:
            ((key, value),) = choice["license"].items()
            _sub(_sub(parent, "license"), key, value)


def _sub(parent: El, tag: str, text: str | None = None, **attrs: str) -> El:
    node = etree.SubElement(parent, _q(tag), {k: _xml(v) for k, v in attrs.items()})
    if text is not None:
        node.text = _xml(text)
    return node


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
