"""CycloneDX XML reader: every version 1.2-1.6 field by field, parity with the JSON reader on the
real corpus, XSD and structural violations with readable XPaths, version from the namespace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cdx_samples import VERSIONS, bom_xml, corpus, expected, json_bytes
from lxml import etree

from hemostat import ingest
from hemostat.domain.component import SbomFormat
from hemostat.errors import (
    FormatNotRecognized,
    InvalidEncoding,
    SchemaViolation,
    UnsupportedSpecVersion,
)
from hemostat.ingest.cyclonedx_xml import CycloneDxXmlReader
from hemostat.ingest.reader import Limits

XML = SbomFormat.CYCLONEDX_XML
NO_XSD = (
    "no XSD for CycloneDX {v} XML is bundled: checked structure only (component names and "
    "types, dependency refs)"
)


def bom(version: str, body: str, attrs: str = 'version="1"') -> bytes:
    ns = f"http://cyclonedx.org/schema/bom/{version}"
    return f'<?xml version="1.0"?>\n<bom xmlns="{ns}" {attrs}>{body}</bom>'.encode()


@pytest.mark.parametrize("version", VERSIONS)
def test_every_field_is_normalized(version: str) -> None:
    sbom = ingest.read(bom_xml(version), source="sample.xml")
    warnings = (NO_XSD.format(v=version),) if version in ("1.2", "1.3") else ()
    assert replace(sbom, sha256="", raw=b"") == replace(expected(version, XML), warnings=warnings)


@pytest.mark.parametrize("version", VERSIONS)
def test_xml_and_json_agree(version: str) -> None:
    from_xml = ingest.read(bom_xml(version))
    from_json = ingest.read(json_bytes(version))
    assert from_xml.components == from_json.components
    assert from_xml.dependencies == from_json.dependencies
    assert from_xml.subject == from_json.subject


def test_sniff() -> None:
    reader = CycloneDxXmlReader()
    assert reader.sniff(b'<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6"')
    assert reader.sniff(b'<bom xmlns="http://cyclonedx.org/schema/bom/1.1" version="1">')
    assert not reader.sniff(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">')
    assert not reader.sniff(b'{"bomFormat": "CycloneDX"}')
    assert reader.sniff(b'<c:bom\n  xmlns:c = "http://cyclonedx.org/schema/bom/1.4" version="1">')
    rdf = b'<rdf:RDF xmlns:rdf="urn:x"><!-- see http://cyclonedx.org/schema/bom/1.5 -->'
    assert not reader.sniff(rdf)
    assert ingest.detect_format(bom_xml("1.5")) is XML


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.7", "2.0"])
def test_unsupported_namespace_version(version: str) -> None:
    with pytest.raises(UnsupportedSpecVersion) as exc:
        ingest.read(bom(version, ""))
    assert "1.2, 1.3, 1.4, 1.5 and 1.6" in exc.value.message


def test_foreign_root_namespace() -> None:
    data = b'<bom xmlns="urn:other"><!-- http://cyclonedx.org/schema/bom/1.5 --></bom>'
    with pytest.raises(FormatNotRecognized):
        ingest.read(data)


def test_prefixed_namespace() -> None:
    ns = "http://cyclonedx.org/schema/bom/1.4"
    data = (
        f'<c:bom xmlns:c="{ns}" version="2"><c:components><c:component type="library">'
        "<c:name>a</c:name></c:component></c:components></c:bom>"
    ).encode()
    sbom = ingest.read(data)
    assert (sbom.doc_version, [c.name for c in sbom.components]) == (2, ["a"])


def test_wrong_root_element() -> None:
    with pytest.raises(SchemaViolation):
        CycloneDxXmlReader().read(
            b'<sbom xmlns="http://cyclonedx.org/schema/bom/1.5"/>',
            source="x",
            limits=Limits(),
            sha256="",
        )


def test_xsd_violation_has_a_readable_path() -> None:
    body = (
        '<components><component type="library"><name>a</name></component>'
        '<component type="library"><version>1</version></component></components>'
    )
    with pytest.raises(SchemaViolation) as exc:
        ingest.read(bom("1.5", body))
    assert exc.value.location == "/bom/components/component[2]/version (line 2)"
    assert "not valid CycloneDX 1.5 XML" in exc.value.message


def test_xsd_checks_values_too() -> None:
    body = '<components><component type="spaceship"><name>a</name></component></components>'
    with pytest.raises(SchemaViolation):
        ingest.read(bom("1.6", body))


@pytest.mark.parametrize(
    ("body", "location"),
    [
        (
            '<components><component type="library"><name>a</name><version>1</version>'
            '</component><component type="library"><version>1</version></component>'
            "</components>",
            "/bom/components/component[2]",
        ),
        (
            '<components><component type="spaceship"><name>a</name></component></components>',
            "/bom/components/component",
        ),
        (
            "<dependencies><dependency><dependency ref='a'/></dependency></dependencies>",
            "/bom/dependencies/dependency",
        ),
    ],
)
def test_structural_checks_without_xsd(body: str, location: str) -> None:
    with pytest.raises(SchemaViolation) as exc:
        ingest.read(bom("1.2", body))
    assert exc.value.location == location


@pytest.mark.parametrize("attrs", ['version="0"', 'version="abc"', 'version="99999999999999"'])
def test_bom_version_attribute_is_checked(attrs: str) -> None:
    with pytest.raises(SchemaViolation):
        ingest.read(bom("1.3", "", attrs))


def test_latin1_declared_encoding_is_honoured() -> None:
    body = '<components><component type="library"><name>caf\xe9</name><version>1</version>'
    body += "</component></components>"
    ns = "http://cyclonedx.org/schema/bom/1.4"
    data = f'<?xml version="1.0" encoding="ISO-8859-1"?><bom xmlns="{ns}">{body}</bom>'
    assert ingest.read(data.encode("latin-1")).components[0].name == "café"


def test_exotic_declared_encoding_is_refused() -> None:
    ns = "http://cyclonedx.org/schema/bom/1.4"
    data = f'<?xml version="1.0" encoding="UTF-7"?><bom xmlns="{ns}"/>'.encode()
    with pytest.raises(InvalidEncoding):
        ingest.read(data)


def test_extension_elements_are_ignored() -> None:
    body = (
        '<components><component type="library"><name>a</name>'
        '<x:note xmlns:x="urn:ext">hi</x:note></component></components>'
    )
    sbom = ingest.read(bom("1.2", body))
    assert [c.name for c in sbom.components] == ["a"]


def test_hashes_licenses_properties_in_xml() -> None:
    body = (
        '<components><component type="library" bom-ref="a"><name>a</name>'
        '<hashes><hash alg="SHA-1">AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</hash></hashes>'
        "<licenses><license><name>Custom Licence</name></license></licenses>"
        '<properties><property name="k">v</property><property name="e"/></properties>'
        "</component></components>"
    )
    (c,) = ingest.read(bom("1.5", body)).components
    assert [(h.alg, h.value) for h in c.hashes] == [("SHA-1", "a" * 40)]
    assert c.licenses == ("Custom Licence",)
    assert c.properties == (("k", "v"), ("e", ""))


# --- the real corpus --------------------------------------------------------------------------

REFUSED = {"SBOM/laravel-7.12.0/bom.1.1.xml": "unsupported_spec_version"}


@pytest.fixture(scope="module")
def xml_files(
    shared_data: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    found = corpus(shared_data("cyclonedx-bom-examples"), tmp_path_factory.mktemp("cdx-xml"))
    return [p for p in found if p.suffix == ".xml"]


def _xpath_count(data: bytes) -> int:
    root = etree.fromstring(data)
    ns = {"c": etree.QName(root).namespace}
    paths = "/c:bom/c:components//c:component | /c:bom/c:metadata/c:component//c:component"
    return len(root.xpath(paths, namespaces=ns))  # type: ignore[arg-type]


def test_corpus_xml(xml_files: list[Path]) -> None:
    assert len(xml_files) >= 16  # 10 in the set + 6 from the juice-shop archive
    refused = {}
    for path in xml_files:
        key = str(path).split("cyclonedx-bom-examples/")[-1]
        data = path.read_bytes()
        try:
            sbom = ingest.read(data, source=str(path))
        except UnsupportedSpecVersion as exc:
            refused[key] = exc.code
            continue
        assert len(sbom.components) == _xpath_count(data), path
        no_xsd = (NO_XSD.format(v=sbom.spec_version),)
        assert sbom.warnings == (no_xsd if sbom.spec_version in ("1.2", "1.3") else ())
    assert refused == REFUSED


def test_corpus_xml_matches_json(xml_files: list[Path]) -> None:
    pairs = 0
    for xml_path in xml_files:
        json_path = xml_path.with_suffix(".json")
        if not json_path.exists() or "1.1" in xml_path.name:
            continue
        a, b = ingest.read(xml_path.read_bytes()), ingest.read(json_path.read_bytes())
        assert len(a.components) == len(b.components), xml_path
        assert len(a.dependencies) == len(b.dependencies), xml_path
        assert [c.purl for c in a.components] == [c.purl for c in b.components], xml_path
        pairs += 1
    assert pairs >= 14
