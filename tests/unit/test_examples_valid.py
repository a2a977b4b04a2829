"""The example portfolio in examples/ is well-formed: schema-valid SBOMs, exact CSV headers, and
the realistic gaps the completeness report is meant to find."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker, validators
from lxml import etree
from referencing import Registry, Resource

from hemostat.services.risk_answers import check_answers

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMAS = ROOT / "src" / "hemostat" / "data" / "schemas"
CDX = "http://cyclonedx.org/schema/bom/"

LEVELS = {"actively_maintained", "no_longer_maintained", "abandoned", "unknown"}
CSV_HEADER = ["match", "level_of_support", "end_of_support", "support_note"]
PRODUCT_KEYS = {
    "key",
    "threat_model",
    "mud_url",
    "name",
    "manufacturer",
    "model_number",
    "intended_use",
    "device_class",
    "cyber_device",
    "release",
    "risk",
}
RELEASE_KEYS = {"version", "released", "support_status", "sbom", "support_csv"}
# (product, release) -> the format the release is meant to exercise
FORMATS = {
    ("infusion-pump", "2.1.0"): ("cdx-json", "1.5"),
    ("infusion-pump", "2.2.0"): ("cdx-json", "1.6"),
    ("patient-monitor", "5.0.0"): ("spdx-json", "SPDX-2.3"),
    ("patient-monitor", "5.1.0"): ("spdx-tv", "SPDX-2.2"),
    ("imaging-workstation", "8.0"): ("cdx-xml", "1.4"),
    ("imaging-workstation", "8.1"): ("cdx-json", "1.6"),
}


def portfolio() -> dict[str, Any]:
    with (EXAMPLES / "portfolio.toml").open("rb") as fh:
        return tomllib.load(fh)


def releases() -> list[tuple[str, dict[str, Any]]]:
    return [(p["key"], r) for p in portfolio()["product"] for r in p["release"]]


def sbom_files(suffix: str) -> list[Path]:
    return sorted(EXAMPLES / r["sbom"] for _, r in releases() if r["sbom"].endswith(suffix))


def rel_id(item: tuple[str, dict[str, Any]]) -> str:
    return f"{item[0]}-{item[1]['version']}"


# ------------------------------------------------------------------ portfolio.toml and CSVs
def test_portfolio_lists_three_products_with_two_releases_each() -> None:
    products = portfolio()["product"]
    assert [p["key"] for p in products] == [
        "infusion-pump",
        "patient-monitor",
        "imaging-workstation",
    ]
    for p in products:
        assert set(p) == PRODUCT_KEYS, p["key"]
        assert p["device_class"] in {"I", "II", "III"}
        assert isinstance(p["cyber_device"], bool)
        assert check_answers("product", p["risk"]), p["key"]  # what `rubric answer` accepts
        assert len(p["release"]) == 2, p["key"]
        for r in p["release"]:
            assert {"version", "released", "support_status", "sbom"} <= set(r) <= RELEASE_KEYS
            assert r["support_status"] in {"supported", "limited", "end_of_support"}
            date.fromisoformat(r["released"])


@pytest.mark.parametrize("item", releases(), ids=rel_id)
def test_referenced_files_exist_inside_examples(item: tuple[str, dict[str, Any]]) -> None:
    _, r = item
    for key in ("sbom", "support_csv"):
        if key in r:
            path = (EXAMPLES / r[key]).resolve()
            assert path.is_file(), r[key]
            assert EXAMPLES.resolve() in path.parents


@pytest.mark.parametrize("item", releases(), ids=rel_id)
def test_release_uses_its_intended_format(item: tuple[str, dict[str, Any]]) -> None:
    product, r = item
    kind, spec = FORMATS[(product, r["version"])]
    text = (EXAMPLES / r["sbom"]).read_text(encoding="utf-8")
    if kind == "cdx-json":
        assert json.loads(text)["specVersion"] == spec
    elif kind == "cdx-xml":
        assert etree.fromstring(text.encode()).tag == f"{{{CDX}{spec}}}bom"
    elif kind == "spdx-json":
        assert json.loads(text)["spdxVersion"] == spec
    else:
        assert text.startswith(f"SPDXVersion: {spec}\n")


def csv_rows() -> list[tuple[str, dict[str, Any]]]:
    return [(k, r) for k, r in releases() if "support_csv" in r]


@pytest.mark.parametrize("item", csv_rows(), ids=rel_id)
def test_support_csv_is_exact_and_every_row_names_a_component(
    item: tuple[str, dict[str, Any]],
) -> None:
    _, r = item
    with (EXAMPLES / r["support_csv"]).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == CSV_HEADER
    assert len(rows) > 2
    sbom = (EXAMPLES / r["sbom"]).read_text(encoding="utf-8")
    for match, level, eos, _note in rows[1:]:
        assert level in LEVELS
        if eos:
            date.fromisoformat(eos)
        assert identifier_in(match, sbom), match


def identifier_in(match: str, sbom: str) -> bool:
    """A purl (versionless matches any version), a CPE, or name@version occurs in the SBOM."""
    if match.startswith("cpe:"):
        return match in sbom
    if match.startswith("pkg:"):
        return match in sbom if "@" in match else f"{match}@" in sbom
    name, _, version = match.rpartition("@")
    return name in sbom and version in sbom


# ------------------------------------------------------------------ CycloneDX
@cache
def cdx_registry() -> Registry:
    registry: Registry = Registry()
    for name in ("spdx.schema.json", "jsf-0.82.schema.json"):
        schema = json.loads((SCHEMAS / "cyclonedx" / name).read_text(encoding="utf-8"))
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return registry


@pytest.mark.parametrize("path", sbom_files(".cdx.json"), ids=lambda p: p.name)
def test_cyclonedx_json_is_schema_valid(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    schema_file = SCHEMAS / "cyclonedx" / f"bom-{doc['specVersion']}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    cls = validators.validator_for(schema)
    validator = cls(schema, registry=cdx_registry(), format_checker=FormatChecker())
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(doc)]
    assert errors == []


XSD = "{http://www.w3.org/2001/XMLSchema}"


def local_xsd(version: str) -> etree.XMLSchema:
    """bom-1.x.xsd imports the SPDX licence XSD by URL: point the import at the bundled copy."""
    tree = etree.parse(str(SCHEMAS / "cyclonedx" / f"bom-{version}.xsd"))
    for imp in tree.getroot().iter(f"{XSD}import"):
        if imp.get("namespace") == "http://cyclonedx.org/schema/spdx":
            imp.set("schemaLocation", "spdx.xsd")  # relative to the bom XSD's own folder
    return etree.XMLSchema(tree)


@pytest.mark.parametrize("path", sbom_files(".cdx.xml"), ids=lambda p: p.name)
def test_cyclonedx_xml_is_xsd_valid(path: Path) -> None:
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    version = etree.QName(doc.getroot()).namespace.rsplit("/", 1)[1]
    xsd = local_xsd(version)
    assert xsd.validate(doc), str(xsd.error_log)[:2000]


# ------------------------------------------------------------------ SPDX
@pytest.mark.parametrize("path", sbom_files(".spdx.json"), ids=lambda p: p.name)
def test_spdx_json_is_schema_valid(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    version = doc["spdxVersion"].removeprefix("SPDX-")
    schema_file = SCHEMAS / "spdx" / f"spdx-{version}-schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = validators.validator_for(schema)(schema, format_checker=FormatChecker())
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(doc)]
    assert errors == []


@pytest.mark.parametrize("path", sbom_files(".spdx"), ids=lambda p: p.name)
def test_spdx_tag_value_parses_and_validates_with_spdx_tools(path: Path) -> None:
    pytest.importorskip("spdx_tools", reason="spdx-tools (the bench extra) is not installed")
    from spdx_tools.spdx.parser.tagvalue.parser import Parser  # noqa: PLC0415
    from spdx_tools.spdx.validation.document_validator import (  # noqa: PLC0415
        validate_full_spdx_document,
    )

    document = Parser().parse(path.read_text(encoding="utf-8"))  # type: ignore[no-untyped-call]
    messages = [m.validation_message for m in validate_full_spdx_document(document)]
    assert messages == []
    assert len(document.packages) > 40
    assert any(
        a.annotation_comment.startswith("hemostat:level_of_support=") for a in document.annotations
    )


# ------------------------------------------------------------------ content: what a reader sees
def components(path: Path) -> list[dict[str, str | None]]:
    """name, version, supplier, level, eos of each component (the root excluded), any format."""
    text = path.read_text(encoding="utf-8")
    if path.name.endswith(".cdx.json"):
        return [_cdx_json_component(c) for c in json.loads(text)["components"]]
    if path.name.endswith(".cdx.xml"):
        root = etree.fromstring(text.encode())
        ns = {"b": etree.QName(root).namespace}
        return [_cdx_xml_component(c, ns) for c in root.findall("b:components/b:component", ns)]
    return _spdx_components(path, text)


def _cdx_json_component(c: dict[str, Any]) -> dict[str, str | None]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    return {
        "name": c["name"],
        "version": c.get("version"),
        "supplier": (c.get("supplier") or {}).get("name"),
        "level": props.get("hemostat:level_of_support"),
        "eos": props.get("hemostat:end_of_support"),
    }


def _cdx_xml_component(c: Any, ns: dict[str, str]) -> dict[str, str | None]:
    props = {p.get("name"): p.text for p in c.findall("b:properties/b:property", ns)}
    return {
        "name": c.findtext("b:name", namespaces=ns),
        "version": c.findtext("b:version", namespaces=ns),
        "supplier": c.findtext("b:supplier/b:name", namespaces=ns),
        "level": props.get("hemostat:level_of_support"),
        "eos": props.get("hemostat:end_of_support"),
    }


def _spdx_components(path: Path, text: str) -> list[dict[str, str | None]]:
    if path.suffix == ".json":
        doc = json.loads(text)
        described = {
            r["relatedSpdxElement"]
            for r in doc["relationships"]
            if r["relationshipType"] == "DESCRIBES"
        }
        packages = [
            (
                p["SPDXID"],
                p["name"],
                p.get("versionInfo"),
                p.get("supplier"),
                [a["comment"] for a in p.get("annotations", [])],
            )
            for p in doc["packages"]
        ]
    else:  # tag-value: a hand-rolled scan keeps this check independent of spdx-tools
        described = set(re.findall(r"^Relationship: SPDXRef-DOCUMENT DESCRIBES (\S+)$", text, re.M))
        packages = []
        for block in text.split("##### Package: ")[1:]:
            sid = re.search(r"^SPDXID: (\S+)$", block, re.M)
            version = re.search(r"^PackageVersion: (.+)$", block, re.M)
            supplier = re.search(r"^PackageSupplier: (.+)$", block, re.M)
            assert sid is not None
            packages.append(
                (
                    sid.group(1),
                    block.split("\n", 1)[0],
                    version.group(1) if version else None,
                    supplier.group(1) if supplier else None,
                    re.findall(r"^AnnotationComment: <text>(.*)</text>$", block, re.M),
                )
            )
    out = []
    for sid, name, version, supplier, comments in packages:
        if sid in described:
            continue
        props = dict(c.split("=", 1) for c in comments)
        out.append(
            {
                "name": name,
                "version": version,
                "supplier": supplier,
                "level": props.get("hemostat:level_of_support"),
                "eos": props.get("hemostat:end_of_support"),
            }
        )
    return out


ALL_SBOMS = sorted(EXAMPLES / r["sbom"] for _, r in releases())


@pytest.mark.parametrize("path", ALL_SBOMS, ids=lambda p: p.name)
def test_support_data_is_on_most_but_not_all_components(path: Path) -> None:
    comps = components(path)
    with_level = [c for c in comps if c["level"]]
    assert 20 <= len(comps) <= 100
    assert 0.6 * len(comps) <= len(with_level) < len(comps)
    for c in with_level:
        assert c["level"] in LEVELS, c
        if c["eos"]:
            assert date.fromisoformat(c["eos"]).year >= 2020, c
    # the realistic gaps the completeness report has to find
    assert any(c["supplier"] is None for c in comps)
    assert any(c["version"] is None for c in comps)


@pytest.mark.parametrize("path", sbom_files(".json"), ids=lambda p: p.name)
def test_json_sboms_have_a_device_root_and_a_closed_dependency_graph(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "spdxVersion" in doc:
        ids = {p["SPDXID"] for p in doc["packages"]}
        rels = doc["relationships"]
        root = next(r["relatedSpdxElement"] for r in rels if r["relationshipType"] == "DESCRIBES")
        purpose = next(p for p in doc["packages"] if p["SPDXID"] == root)["primaryPackagePurpose"]
        assert purpose in {"DEVICE", "FIRMWARE"}
        assert {r["relatedSpdxElement"] for r in rels} <= ids
        assert doc["creationInfo"]["created"][:4] in {"2024", "2025"}
        return
    meta = doc["metadata"]
    assert meta["component"]["type"] in {"device", "firmware"}
    assert meta["timestamp"][:4] in {"2024", "2025"}
    refs = {c["bom-ref"] for c in doc["components"]} | {meta["component"]["bom-ref"]}
    graph = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert set(graph) == refs
    assert {x for deps in graph.values() for x in deps} <= refs
    assert graph[meta["component"]["bom-ref"]], "the root depends on its top-level components"


def test_each_product_changes_between_its_releases() -> None:
    for p in portfolio()["product"]:
        old, new = (components(EXAMPLES / r["sbom"]) for r in p["release"])
        before = {(c["name"], c["version"]) for c in old}
        after = {(c["name"], c["version"]) for c in new}
        assert before - after and after - before, p["key"]
        assert {c["name"] for c in old} != {c["name"] for c in new}, "added/removed components"
