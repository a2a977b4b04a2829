"""CycloneDX XML tree → the JSON shape of a BOM (only the fields ``cdx_normalize`` reads).

Hand-written rather than a generic XML→dict converter: CycloneDX XML puts some fields in
attributes (``type``, ``bom-ref``, ``alg``, ``ref``) and wraps lists (``<hashes><hash>``), and a
targeted walk is several times faster. It also carries the structural checks that stand in for
an XSD for 1.2/1.3 (names, types and refs present), raising ``SchemaViolation`` with an XPath.
Elements from other namespaces (extensions) are ignored.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from hemostat.errors import SchemaViolation
from hemostat.ingest.cdx_xsd import local_path

Raw = dict[str, Any]
_SIMPLE = frozenset({"name", "version", "group", "description", "scope", "purl", "cpe"})
# Component types up to 1.3, checked only where no XSD is bundled (1.2/1.3).
_TYPES_1_3 = frozenset(
    ("application", "framework", "library", "container", "operating-system", "device", "firmware")
) | {"file"}


def _text(el: etree._Element) -> str:
    return (el.text or "").strip()


_NAMES = (
    *_SIMPLE,
    *("supplier", "hashes", "hash", "licenses", "license", "id", "expression", "properties"),
    *("property", "components", "component", "tool", "tools", "services", "service"),
    *("authors", "author", "email", "phone", "timestamp", "metadata", "manufacture"),
    *("manufacturer", "dependencies", "dependency", "vendor"),
)


class XmlMap:
    def __init__(self, namespace: str, *, source: str, strict_types: bool) -> None:
        self.prefix = "{" + namespace + "}"
        # Clark name -> local name: one dict lookup per element instead of string slicing.
        self.names = {self.prefix + n: n for n in _NAMES}
        self.source = source
        self.strict_types = strict_types

    def local(self, el: etree._Element) -> str | None:
        return self.names.get(el.tag)  # comments and PIs (non-str tags) match nothing

    def children(self, el: etree._Element, name: str) -> list[etree._Element]:
        return list(el.iterchildren(self.prefix + name))

    def child_text(self, el: etree._Element, name: str) -> str | None:
        for c in el.iterchildren(self.prefix + name):
            return _text(c)
        return None

    def violation(self, el: etree._Element, message: str) -> SchemaViolation:
        path = local_path(el)
        return SchemaViolation(
            f"{message} at {path} (line {el.sourceline})", file=self.source, location=path
        )

    # --- components -------------------------------------------------------------------------
    def component(self, el: etree._Element) -> tuple[Raw, list[etree._Element]]:
        """One component's fields and its nested component elements (not yet converted)."""
        d: Raw = {"type": el.get("type")}
        if d["type"] is None or (self.strict_types and d["type"] not in _TYPES_1_3):
            raise self.violation(el, f"component type {d['type']!r} is missing or unknown")
        if (ref := el.get("bom-ref")) is not None:
            d["bom-ref"] = ref
        kids: list[etree._Element] = []
        names = self.names  # the hot loop of XML ingest: lookups hoisted, _text inlined
        for ch in el:
            local = names.get(ch.tag)
            if local is None:
                continue
            if local in _SIMPLE:
                d[local] = (ch.text or "").strip()
            elif local == "supplier":
                d["supplier"] = {"name": self.child_text(ch, "name")}
            elif local == "hashes":
                d["hashes"] = [
                    {"alg": h.get("alg"), "content": _text(h)} for h in self.children(ch, "hash")
                ]
            elif local == "licenses":
                d["licenses"] = self.licenses(ch)
            elif local == "properties":
                d["properties"] = [
                    {"name": p.get("name"), "value": _text(p)}
                    for p in self.children(ch, "property")
                ]
            elif local == "components":
                kids = self.children(ch, "component")
        if "name" not in d:
            raise self.violation(el, "component has no <name>")
        return d, kids

    def components(self, container: etree._Element | None) -> list[Raw]:
        """Convert a ``<components>`` element (iteratively: nesting depth costs no stack)."""
        top: list[Raw] = []
        if container is None:
            return top
        stack = [(c, top) for c in reversed(self.children(container, "component"))]
        while stack:
            el, sink = stack.pop()
            d, kids = self.component(el)
            sink.append(d)
            if kids:
                sub: list[Raw] = []
                d["components"] = sub
                stack.extend((k, sub) for k in reversed(kids))
        return top

    def licenses(self, el: etree._Element) -> list[Raw]:
        out: list[Raw] = []
        for ch in el:
            local = self.local(ch)
            if local == "license":
                out.append(
                    {
                        "license": {
                            "id": self.child_text(ch, "id"),
                            "name": self.child_text(ch, "name"),
                        }
                    }
                )
            elif local == "expression":
                out.append({"expression": _text(ch)})
        return out

    # --- document ---------------------------------------------------------------------------
    def entity(self, el: etree._Element) -> Raw:
        return {"name": self.child_text(el, "name")}

    def tools(self, el: etree._Element) -> list[Raw]:
        """Legacy ``<tool>`` entries and 1.5+ ``<components>``/``<services>`` as one flat list."""
        out: list[Raw] = []
        for ch in el:
            local = self.local(ch)
            if local == "tool":
                out.append({k: self.child_text(ch, k) for k in ("vendor", "name", "version")})
            elif local == "components":
                out += [self.component(c)[0] for c in self.children(ch, "component")]
            elif local == "services":
                for s in self.children(ch, "service"):
                    out.append(
                        {
                            "name": self.child_text(s, "name"),
                            "version": self.child_text(s, "version"),
                            "group": self.child_text(s, "group"),
                        }
                    )
        return out

    def metadata(self, el: etree._Element) -> Raw:
        meta: Raw = {}
        for ch in el:
            local = self.local(ch)
            if local == "timestamp":
                meta["timestamp"] = _text(ch)
            elif local == "tools":
                meta["tools"] = self.tools(ch)
            elif local == "authors":
                meta["authors"] = [
                    {k: self.child_text(a, k) for k in ("name", "email", "phone")}
                    for a in ch
                    if self.local(a) == "author"
                ]
            elif local == "component":
                subject, kids = self.component(ch)
                if kids:
                    subject["components"] = self.components(ch.find(f"{self.prefix}components"))
                meta["component"] = subject
            elif local in ("supplier", "manufacture", "manufacturer"):
                meta[local] = self.entity(ch)
        return meta

    def dependencies(self, el: etree._Element) -> list[Raw]:
        out: list[Raw] = []
        for dep in self.children(el, "dependency"):
            targets = [t.get("ref") for t in self.children(dep, "dependency")]
            if dep.get("ref") is None or None in targets:
                raise self.violation(dep, "dependency without a ref attribute")
            out.append({"ref": dep.get("ref"), "dependsOn": targets})
        return out

    def bom(self, root: etree._Element) -> Raw:
        doc: Raw = {"serialNumber": root.get("serialNumber")}
        version = (root.get("version") or "1").strip()
        doc["version"] = (
            int(version)
            if version.isascii() and version.isdigit() and len(version) < 12
            else version
        )
        for ch in root:
            local = self.local(ch)
            if local == "metadata":
                doc["metadata"] = self.metadata(ch)
            elif local == "components":
                doc["components"] = self.components(ch)
            elif local == "dependencies":
                doc["dependencies"] = self.dependencies(ch)
            elif local == "services":
                # Not imported: kept only for their refs (dependency edges) and the count.
                doc["services"] = [
                    {"bom-ref": s.get("bom-ref")} for s in ch.iter(self.prefix + "service")
                ]
        return doc
