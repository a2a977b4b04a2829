"""CycloneDX 1.6 XML export: XSD-valid, same content as the JSON export, deterministic."""

from __future__ import annotations

from typing import Any

import orjson
from export_support import OPENSSL, RTOS, sample_sbom, shuffled, xml_errors
from lxml import etree

from hemostat.domain.component import Component, Dependency, Sbom
from hemostat.report import cyclonedx, cyclonedx_xml
from snapshot_util import assert_snapshot

NS = {"b": "http://cyclonedx.org/schema/bom/1.6"}


def tree_of(sbom: Sbom) -> Any:
    out = cyclonedx_xml.render(sbom)
    assert xml_errors(out) == []
    return etree.fromstring(out)


def test_sample_matches_snapshot() -> None:
    assert_snapshot("export/sample.cdx.xml", cyclonedx_xml.render(sample_sbom()))


def test_minimal_sbom_is_valid_and_matches_snapshot() -> None:
    sbom = sample_sbom(
        subject=None, serial=None, timestamp=None, authors=(), tools=(), supplier=None
    )
    out = cyclonedx_xml.render(sbom)
    assert xml_errors(out) == []
    assert_snapshot("export/minimal.cdx.xml", out)


def test_declaration_namespace_and_root_attributes() -> None:
    out = cyclonedx_xml.render(sample_sbom())
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<bom xmlns=")
    assert out.endswith(b"</bom>\n")
    root = tree_of(sample_sbom())
    assert root.get("serialNumber") == "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    assert root.get("version") == "3"


def test_same_content_as_json() -> None:
    sbom = sample_sbom()
    doc = orjson.loads(cyclonedx.render(sbom))
    root = tree_of(sbom)
    comps = root.findall("b:components/b:component", NS)
    assert [c.get("bom-ref") for c in comps] == [c["bom-ref"] for c in doc["components"]]
    for el, js in zip(comps, doc["components"], strict=True):
        assert el.findtext("b:name", namespaces=NS) == js["name"]
        assert el.findtext("b:purl", namespaces=NS) == js.get("purl")
        assert el.findtext("b:cpe", namespaces=NS) == js.get("cpe")
        assert [(h.get("alg"), h.text) for h in el.findall("b:hashes/b:hash", NS)] == [
            (h["alg"], h["content"]) for h in js.get("hashes", [])
        ]
        assert [(p.get("name"), p.text) for p in el.findall("b:properties/b:property", NS)] == [
            (p["name"], p["value"]) for p in js.get("properties", [])
        ]
    deps = {
        d.get("ref"): [x.get("ref") for x in d.findall("b:dependency", NS)]
        for d in root.findall("b:dependencies/b:dependency", NS)
    }
    assert deps == {d["ref"]: d["dependsOn"] for d in doc["dependencies"]}
    tools = root.findall("b:metadata/b:tools/b:components/b:component", NS)
    assert [t.findtext("b:name", namespaces=NS) for t in tools] == ["hemostat", "syft-1.4.1"]


def test_licenses_id_name_and_expression() -> None:
    root = tree_of(sample_sbom())
    rtos = root.find(f"b:components/b:component[@bom-ref='{RTOS.bom_ref}']", NS)
    assert rtos is not None
    assert [(x.tag.split("}")[1], x.text) for x in rtos.findall("b:licenses/b:license/*", NS)] == [
        ("name", "ACME Proprietary License"),
        ("id", "MIT"),
    ]
    exprs = root.findall("b:components/b:component/b:licenses/b:expression", NS)
    assert [e.text for e in exprs] == ["Zlib OR MIT"]


def test_byte_identical_whatever_the_input_order() -> None:
    sbom = sample_sbom()
    first = cyclonedx_xml.render(sbom)
    assert cyclonedx_xml.render(sbom) == first
    for seed in range(5):
        assert cyclonedx_xml.render(shuffled(sbom, seed)) == first


def test_characters_xml_cannot_carry_are_replaced_and_refs_stay_unique() -> None:
    odd = Component(bom_ref=OPENSSL.bom_ref, name="bad\x00\x1fname\ufffe", description="a\tb\nc")
    sbom = sample_sbom(
        components=(*sample_sbom().components, odd),
        dependencies=(Dependency(odd.bom_ref, "missing"),),
    )
    root = tree_of(sbom)  # valid: includes the XSD's bom-ref uniqueness constraint
    names = [n.text for n in root.findall("b:components/b:component/b:name", NS)]
    assert "bad\ufffd\ufffdname\ufffd" in names
