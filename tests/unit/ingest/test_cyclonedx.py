"""CycloneDX JSON reader: every version 1.2-1.6, field by field, the real example corpus, schema
errors with pointers, and the semantic warnings (duplicate refs, dangling edges, bad ids)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from cdx_samples import VERSIONS, bom_json, corpus, expected, json_bytes, json_component_count

from hemostat import ingest
from hemostat.domain.component import SbomFormat
from hemostat.errors import (
    IngestError,
    InputTooDeep,
    InputTooLarge,
    SchemaViolation,
    UnsupportedSpecVersion,
)
from hemostat.ingest.cyclonedx import CycloneDxJsonReader
from hemostat.ingest.reader import Limits

JSON = SbomFormat.CYCLONEDX_JSON


def dumps(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc)


def minimal(spec: str = "1.5", **extra: Any) -> dict[str, Any]:
    return {"bomFormat": "CycloneDX", "specVersion": spec, "version": 1, **extra}


def lib(name: str, ref: str | None = None, **extra: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"type": "library", "name": name, **extra}
    if ref is not None:
        c["bom-ref"] = ref
    return c


@pytest.mark.parametrize("version", VERSIONS)
def test_every_field_is_normalized(version: str) -> None:
    data = json_bytes(version)
    sbom = ingest.read(data, source="sample.json")
    assert sbom.sha256 == hashlib.sha256(data).hexdigest()
    assert sbom.raw == data
    assert replace(sbom, sha256="", raw=b"") == expected(version, JSON)


def test_read_is_deterministic() -> None:
    data = json_bytes("1.6")
    assert ingest.read(data) == ingest.read(data)


@pytest.mark.parametrize(
    "head",
    [
        b'{"bomFormat":"CycloneDX","specVersion":"1.5"}',
        b'{\n  "bomFormat" :\t "CycloneDX",\n',
        b'{"$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json", "metadata": {',
        b'  \n{"specVersion": "1.4", "bomFormat": "CycloneDX"',
    ],
)
def test_sniff_accepts(head: bytes) -> None:
    assert CycloneDxJsonReader().sniff(head)


@pytest.mark.parametrize(
    "head",
    [
        b'{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}',
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5">',
        b'{"bomFormat": "SPDX"}',
        b"",
    ],
)
def test_sniff_refuses(head: bytes) -> None:
    assert not CycloneDxJsonReader().sniff(head)


def test_detect_format() -> None:
    assert ingest.detect_format(json_bytes("1.4")) is JSON


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.7", "2.0", "", 1.5, None])
def test_unsupported_versions_are_refused_listing_supported_ones(version: object) -> None:
    doc = minimal()
    if version is None:
        del doc["specVersion"]
    else:
        doc["specVersion"] = version
    with pytest.raises(UnsupportedSpecVersion) as exc:
        ingest.read(dumps(doc))
    assert "1.2, 1.3, 1.4, 1.5 and 1.6" in exc.value.message
    assert exc.value.location == "/specVersion"


def test_wrong_type_gives_pointer() -> None:
    doc = minimal(components=[lib("ok"), {"type": "library", "name": {"not": "a string"}}])
    with pytest.raises(SchemaViolation) as exc:
        ingest.read(dumps(doc))
    assert exc.value.location == "/components/1/name"


def test_string_where_object_belongs() -> None:
    with pytest.raises(SchemaViolation) as exc:
        ingest.read(dumps(minimal(metadata="yesterday")))
    assert exc.value.location == "/metadata"


def test_up_to_ten_errors_are_reported() -> None:
    doc = minimal(components=[{"type": "library", "name": i} for i in range(15)])
    with pytest.raises(SchemaViolation) as exc:
        ingest.read(dumps(doc))
    assert exc.value.message.count("/components/") == 10
    assert "(more not shown)" in exc.value.message


def test_bad_date_time_is_a_schema_violation() -> None:
    doc = minimal(metadata={"timestamp": "2024-13-45T99:00:00Z"})
    with pytest.raises(SchemaViolation) as exc:
        ingest.read(dumps(doc))
    assert exc.value.location == "/metadata/timestamp"


def test_url_with_build_placeholder_is_accepted() -> None:
    # Real SBOMs (the OBOM example) carry unexpanded Maven placeholders in iri-reference fields.
    ref = {"type": "issue-tracker", "url": "https://github.com/x/${project.artifactId}/issues"}
    doc = minimal(components=[lib("a", externalReferences=[ref])])
    assert len(ingest.read(dumps(doc)).components) == 1


@pytest.mark.parametrize("version", ["1.4", "1.5", "1.6"])
def test_jsf_signature_with_registered_algorithm_is_valid(version: str) -> None:
    # JSF's algorithm is oneOf [enum, uri]: a plain validator lets "RS256" match both branches.
    doc = minimal(version, signature={"algorithm": "RS256", "value": "c2lnbmF0dXJl"})
    assert ingest.read(dumps(doc)).spec_version == version


def test_invalid_signature_still_fails() -> None:
    doc = minimal("1.5", signature={"algorithm": "RS256"})
    with pytest.raises(SchemaViolation):
        ingest.read(dumps(doc))


@pytest.mark.parametrize("version", [b"0", b"2147483648", b"1000000000000000000000", b"true"])
def test_bom_version_out_of_range(version: bytes) -> None:
    data = dumps(minimal(version=12345)).replace(b"12345", version)
    with pytest.raises(SchemaViolation) as exc:
        ingest.read(data)
    assert exc.value.location == "/version"


def test_duplicate_bom_refs_keep_every_component() -> None:
    comps = [lib("a", "x"), lib("b", "x", components=[lib("c", "x")]), lib("d", "x#2")]
    doc = minimal(components=comps, dependencies=[{"ref": "x", "dependsOn": ["x#2"]}])
    sbom = ingest.read(dumps(doc))
    assert [(c.name, c.bom_ref) for c in sbom.components] == [
        ("a", "x"),
        ("b", "x#3"),
        ("c", "x#4"),
        ("d", "x#2"),
    ]
    (warning,) = sbom.warnings
    assert "2 components repeat" in warning
    assert "received=4 stored=4" in warning
    assert [(d.ref, d.depends_on) for d in sbom.dependencies] == [("x", "x#2")]


def test_missing_refs_are_synthesized_without_collisions() -> None:
    doc = minimal(components=[lib("a"), lib("b", "hemostat:0"), lib("c")])
    refs = [c.bom_ref for c in ingest.read(dumps(doc)).components]
    assert refs == ["hemostat:0#2", "hemostat:0", "hemostat:2"]
    assert len(set(refs)) == 3


def test_subject_without_ref_gets_one() -> None:
    doc = minimal(metadata={"component": {"type": "device", "name": "pump"}})
    sbom = ingest.read(dumps(doc))
    assert sbom.subject is not None
    assert sbom.subject.bom_ref == "hemostat:subject"


def test_subject_children_are_components() -> None:
    subject = {"type": "device", "name": "pump", "components": [lib("fw", "fw")]}
    sbom = ingest.read(dumps(minimal(metadata={"component": subject})))
    assert [c.bom_ref for c in sbom.components] == ["fw"]


def test_dangling_dependencies_are_dropped_with_a_warning() -> None:
    deps = [{"ref": "a", "dependsOn": ["b", "ghost"]}, {"ref": "phantom", "dependsOn": ["a"]}]
    doc = minimal(components=[lib("a", "a"), lib("b", "b")], dependencies=deps)
    sbom = ingest.read(dumps(doc))
    assert [(d.ref, d.depends_on) for d in sbom.dependencies] == [("a", "b")]
    (warning,) = sbom.warnings
    assert "'ghost'" in warning
    assert "'phantom'" in warning
    assert "2 edges dropped" in warning


def test_invalid_purl_and_cpe_warn_and_keep_the_component() -> None:
    doc = minimal(components=[lib("a", "a", purl="pkg:/nonsense", cpe="cpe:2.3:broken")])
    sbom = ingest.read(dumps(doc))
    (c,) = sbom.components
    assert (c.purl, c.cpes) == (None, ())
    assert any("invalid purl" in w and "'a'" in w for w in sbom.warnings)
    assert any("invalid CPE" in w for w in sbom.warnings)


def test_bad_support_property_is_reported() -> None:
    props = [{"name": "hemostat:level_of_support", "value": "sometimes"}]
    sbom = ingest.read(dumps(minimal(components=[lib("a", "a", properties=props)])))
    assert sbom.components[0].level_of_support is None
    assert any("sometimes" in w for w in sbom.warnings)


def test_tool_services_and_manufacturer_fallback() -> None:
    tools = {
        "components": [{"type": "application", "name": "syft", "version": "1.0"}],
        "services": [{"name": "scanner", "provider": {"name": "Acme"}, "version": "2"}],
    }
    meta = {"tools": tools, "manufacturer": {"name": "Acme Medical"}}
    sbom = ingest.read(dumps(minimal("1.6", metadata=meta)))
    assert sbom.tools == ("syft 1.0", "Acme scanner 2")
    assert sbom.supplier == "Acme Medical"


def test_services_are_counted_not_imported() -> None:
    services = [{"bom-ref": "api", "name": "api", "services": [{"bom-ref": "db", "name": "db"}]}]
    deps = [{"ref": "api", "dependsOn": ["db", "a"]}]
    doc = minimal(components=[lib("a", "a")], services=services, dependencies=deps)
    sbom = ingest.read(dumps(doc))
    assert sbom.dependencies == ()
    assert sbom.warnings == (
        "2 services listed; Hemostat imports components only (services kept in the stored "
        "document)",
        "2 dependency edges involve services and were not imported",
    )


def test_long_string_is_field_too_large() -> None:
    doc = minimal(components=[lib("a", description="x" * 101)])
    with pytest.raises(IngestError) as exc:
        ingest.read(dumps(doc), limits=Limits(max_string=100))
    assert exc.value.code == "field_too_large"
    assert exc.value.location == "/components/0/description"


def test_long_key_is_field_too_large() -> None:
    component = lib("a")
    component["k" * 101] = 1
    doc = minimal(components=[component])
    with pytest.raises(IngestError) as exc:
        ingest.read(dumps(doc), limits=Limits(max_string=100))
    assert exc.value.code == "field_too_large"


def test_depth_limit_is_configurable() -> None:
    doc = minimal(components=[lib("a", properties=[{"name": "n", "value": "v"}])])
    assert ingest.read(dumps(doc), limits=Limits(max_depth=5)).components
    with pytest.raises(InputTooDeep):
        ingest.read(dumps(doc), limits=Limits(max_depth=4))


def test_component_cap_applies_before_normalizing() -> None:
    doc = minimal(components=[lib(f"c{i}") for i in range(11)])
    with pytest.raises(InputTooLarge) as exc:
        ingest.read(dumps(doc), limits=Limits(max_components=10))
    assert exc.value.code == "sbom_too_large"


def test_nested_components_are_flattened_in_document_order() -> None:
    leaf = lib("leaf", "leaf")
    for i in range(50):  # 50 levels: JSON depth 101, under the default 128
        leaf = lib(f"n{i}", f"n{i}", components=[leaf])
    sbom = ingest.read(dumps(minimal(components=[leaf, lib("last", "last")])))
    names = [c.name for c in sbom.components]
    assert names == [f"n{i}" for i in reversed(range(50))] + ["leaf", "last"]


# --- the real corpus --------------------------------------------------------------------------

# Every JSON BOM of the set imports (the one refusal, laravel's CycloneDX 1.1, is XML); only the
# SaaSBOM warns: its graph is between services, which are not imported.
WARNED = {"SaaSBOM/apigateway-microservices-datastores/bom.json": 2}  # services, their edges


@pytest.fixture(scope="module")
def corpus_files(
    shared_data: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    return corpus(shared_data("cyclonedx-bom-examples"), tmp_path_factory.mktemp("cdx-nested"))


def test_corpus_json(corpus_files: list[Path]) -> None:
    files = [p for p in corpus_files if p.suffix == ".json"]
    assert len(files) >= 64  # 58 in the set + 6 from the juice-shop archive
    for path in files:
        data = path.read_bytes()
        sbom = ingest.read(data, source=str(path))
        assert sbom.format is JSON
        assert len(sbom.components) == json_component_count(orjson.loads(data)), path
        key = next((k for k in WARNED if str(path).endswith(k)), None)
        assert len(sbom.warnings) == WARNED.get(key or "", 0), (path, sbom.warnings)
        assert len({c.bom_ref for c in sbom.components}) == len(sbom.components)


def test_corpus_json_spot_checks(corpus_files: list[Path]) -> None:
    by_name = {str(p).split("cyclonedx-bom-examples/")[-1]: p for p in corpus_files}
    keycloak = ingest.read(by_name["SBOM/keycloak-10.0.2/bom.json"].read_bytes())
    assert keycloak.spec_version == "1.2"
    assert (len(keycloak.components), len(keycloak.dependencies)) == (903, 994)
    assert keycloak.subject is not None
    assert keycloak.subject.name == "keycloak-parent"
    assert all(c.purl and c.purl.startswith("pkg:maven/") for c in keycloak.components)
    cbom = ingest.read(by_name["CBOM/Example-With-Dependencies/bom.json"].read_bytes())
    assert cbom.spec_version == "1.6"
    assert len(cbom.dependencies) == 2


def test_plain_count_includes_nested_components() -> None:
    assert json_component_count(bom_json("1.5")) == 3
