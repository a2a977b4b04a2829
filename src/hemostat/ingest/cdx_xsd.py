"""CycloneDX XML: the bundled XSDs (1.4-1.6) compiled once with lxml, imports served locally.

The XSDs import ``spdx.xsd`` by its public URL; a resolver hands libxml2 the bundled copy and the
parser has ``no_network`` set, so nothing is ever fetched. CycloneDX publishes no XSD for 1.2/1.3
in our bundle; those documents get the structural checks of ``cdx_xmlmap`` and a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from lxml import etree

from hemostat.errors import SchemaViolation
from hemostat.ingest.cdx_schema import MAX_REPORTED, schema_bytes, short

XSD_VERSIONS = ("1.4", "1.5", "1.6")
_SPDX_URL = "http://cyclonedx.org/schema/spdx"


class _LocalImports(etree.Resolver):
    """Serves ``spdx.xsd`` from the package; every other URL is left unresolved."""

    def resolve(  # type: ignore[override]  # lxml passes a context the stubs omit
        self, system_url: str | None, public_id: str | None, context: object
    ) -> object:
        if system_url in (_SPDX_URL, _SPDX_URL + ".xsd", "spdx.xsd"):
            return self.resolve_string(schema_bytes("spdx.xsd"), context, base_url="spdx.xsd")
        return None


@cache
def xml_schema(version: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_LocalImports())
    doc = etree.fromstring(
        schema_bytes(f"bom-{version}.xsd"), parser, base_url=f"bom-{version}.xsd"
    )
    return etree.XMLSchema(doc)


def local_path(el: etree._Element) -> str:
    """``/bom/components/component[2]/name``: an XPath with local names, readable in messages
    (lxml's own paths read ``/*/*/*[2]/*`` for namespaced documents)."""
    steps: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        same = list(parent.iterchildren(node.tag)) if parent is not None else [node]
        steps.append(f"{name}[{same.index(node) + 1}]" if len(same) > 1 else name)
        node = parent
    return "/" + "/".join(reversed(steps))


def _located(root: etree._Element, path: str | None) -> str | None:
    try:
        found = root.xpath(path) if path else None
    except etree.Error:  # a path libxml2 wrote but cannot evaluate: show it as it is
        return path
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return local_path(found[0])
    return path


def validate_xml(root: etree._Element, version: str, *, source: str) -> None:
    """Raise ``SchemaViolation`` listing up to ``MAX_REPORTED`` XSD errors with XPath locations."""
    schema = xml_schema(version)
    try:
        valid = schema.validate(root)
    except etree.Error as exc:
        raise SchemaViolation(
            f"XSD validation failed: {short(str(exc))}", file=source, location="/"
        ) from None
    if valid:
        return
    errors = list(cast("Iterable[Any]", schema.error_log))  # lxml-stubs leave it empty
    paths = [_located(root, e.path) or f"line {e.line}" for e in errors[:MAX_REPORTED]]
    shown = [f"{p}: {short(e.message)}" for p, e in zip(paths, errors, strict=False)]
    more = " (more not shown)" if len(errors) > MAX_REPORTED else ""
    raise SchemaViolation(
        f"not valid CycloneDX {version} XML: " + "; ".join(shown) + more,
        file=source,
        location=f"{paths[0]} (line {errors[0].line})" if errors else "/",
        hint=f"the document must follow the official CycloneDX {version} XSD",
    )
