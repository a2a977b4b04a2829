"""CycloneDX 1.6 JSON export: schema-valid, complete, deterministic, snapshot-tested."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import pytest
from export_support import (
    OPENSSL,
    RTOS,
    SUBJECT,
    ZLIB,
    cyclonedx_json_validator,
    json_errors,
    sample_sbom,
    shuffled,
)

from hemostat import __version__
from hemostat.domain.component import Component, Dependency, Hash, Sbom
from hemostat.report import cyclonedx
from snapshot_util import assert_snapshot


def doc_of(sbom: Sbom) -> dict[str, Any]:
    out = cyclonedx.render(sbom)
    assert json_errors(cyclonedx_json_validator(), out) == []
    return orjson.loads(out)  # type: ignore[no-any-return]


def by_ref(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in doc["components"]}


def props(c: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["name"], p["value"]) for p in c.get("properties", [])]


def test_sample_matches_snapshot() -> None:
    assert_snapshot("export/sample.cdx.json", cyclonedx.render(sample_sbom()))


def test_minimal_sbom_matches_snapshot() -> None:
    sbom = sample_sbom(
        subject=None, serial=None, timestamp=None, authors=(), tools=(), supplier=None
    )
    out = cyclonedx.render(sbom)
    assert json_errors(cyclonedx_json_validator(), out) == []
    assert_snapshot("export/minimal.cdx.json", out)


def test_header_and_metadata() -> None:
    doc = doc_of(sample_sbom())
    assert (doc["bomFormat"], doc["specVersion"], doc["version"]) == ("CycloneDX", "1.6", 3)
    assert doc["serialNumber"] == "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    meta = doc["metadata"]
    assert meta["timestamp"] == "2024-05-01T12:30:15Z"  # the SBOM's own time, never "now"
    tools = meta["tools"]["components"]
    assert {"type": "application", "name": "hemostat", "version": __version__} in tools
    assert {"type": "application", "name": "syft-1.4.1"} in tools
    assert meta["authors"] == [{"name": "Jane Doe"}]
    assert meta["supplier"] == {"name": "ACME Medical"}
    assert meta["component"]["bom-ref"] == SUBJECT.bom_ref
    assert meta["component"]["type"] == "firmware"
    assert SUBJECT.bom_ref not in by_ref(doc)


def test_components_carry_every_field() -> None:
    comps = by_ref(doc_of(sample_sbom()))
    ssl = comps[OPENSSL.bom_ref]
    assert ssl["supplier"] == {"name": "Debian"}
    assert ssl["purl"] == OPENSSL.purl
    assert ssl["cpe"] == OPENSSL.cpes[0]
    assert [v for n, v in props(ssl) if n == "hemostat:cpe"] == list(OPENSSL.cpes[1:])
    assert ssl["hashes"] == [  # SHA-224 has no CycloneDX spelling: dropped, not mislabelled
        {"alg": "SHA-1", "content": "b" * 40},
        {"alg": "SHA-256", "content": "a" * 64},
    ]
    assert ssl["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    assert ("hemostat:level_of_support", "actively_maintained") in props(ssl)
    assert ("hemostat:end_of_support", "2026-09-07") in props(ssl)
    assert comps[ZLIB.bom_ref]["licenses"] == [{"expression": "Zlib OR MIT"}]
    rtos = comps[RTOS.bom_ref]
    assert rtos["licenses"] == [
        {"license": {"name": "ACME Proprietary License"}},
        {"license": {"id": "MIT"}},
    ]
    assert rtos["supplier"] == {"name": "RTOS Vendor Inc."}  # SPDX agent prefix removed
    assert (rtos["group"], rtos["scope"], rtos["type"]) == ("acme", "required", "operating-system")
    assert "purl" not in rtos
    assert "cpe" not in rtos
    assert props(rtos) == [
        ("acme:build", "r17"),
        ("cdx:device:role", "kernel"),
        ("hemostat:level_of_support", "unknown"),
        ("hemostat:support_note", "vendor has not answered since 2023"),
    ]


def test_components_and_dependencies_are_sorted() -> None:
    doc = doc_of(sample_sbom())
    refs = [c["bom-ref"] for c in doc["components"]]
    assert refs == sorted(refs)
    deps = doc["dependencies"]
    assert [d["ref"] for d in deps] == sorted(d["ref"] for d in deps)
    assert all(d["dependsOn"] == sorted(d["dependsOn"]) for d in deps)
    graph = {d["ref"]: d["dependsOn"] for d in deps}
    assert graph[SUBJECT.bom_ref] == sorted(
        [OPENSSL.bom_ref, RTOS.bom_ref, "pkg:npm/%40acme/ui@2.0.0"]
    )
    assert graph[RTOS.bom_ref] == [ZLIB.bom_ref]


def test_output_is_byte_identical_whatever_the_input_order() -> None:
    sbom = sample_sbom()
    first = cyclonedx.render(sbom)
    assert first.endswith(b"}\n")
    assert cyclonedx.render(sbom) == first
    for seed in range(5):
        assert cyclonedx.render(shuffled(sbom, seed)) == first


def test_serial_that_is_not_a_urn_uuid_is_derived_from_the_sha256() -> None:
    a = doc_of(sample_sbom(serial="https://example.com/spdx/doc-1"))["serialNumber"]
    b = doc_of(sample_sbom(serial=None))["serialNumber"]
    c = doc_of(sample_sbom(serial=None, sha256="f" * 64))["serialNumber"]
    assert a == b != c
    assert a.startswith("urn:uuid:")


def test_no_timestamp_means_none_written() -> None:
    assert "timestamp" not in doc_of(sample_sbom(timestamp=None))["metadata"]


@pytest.mark.parametrize("level", [0, -3, None])
def test_version_is_at_least_one(level: int | None) -> None:
    assert doc_of(sample_sbom(doc_version=level))["version"] == 1


def test_hostile_values_still_give_a_valid_document() -> None:
    odd = Component(
        bom_ref=OPENSSL.bom_ref,  # clashes with openssl
        name="evil\x01name <&>",
        type="not-a-type",
        scope="sometimes",
        cpes=("not a cpe", "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"),
        hashes=(Hash("SHA-256", "zz"), Hash("CRC32", "abcd1234")),
        licenses=("Not-On-The-List-1.0", "MIT", "GPL-2.0-only OR MIT"),
    )
    sbom = sample_sbom(
        components=(
            *sample_sbom().components,
            odd,
            OPENSSL,
            SUBJECT,
            Component(bom_ref="", name="x"),
        ),
        dependencies=(
            *sample_sbom().dependencies,
            Dependency("ghost", OPENSSL.bom_ref),
            Dependency(SUBJECT.bom_ref, "ghost"),
        ),
    )
    doc = doc_of(sbom)
    refs = [c["bom-ref"] for c in doc["components"]]
    assert len(refs) == len(set(refs)) == 6  # duplicate openssl and the repeated subject dropped
    assert refs == sorted(refs)
    clash = next(c for c in doc["components"] if c["name"].startswith("evil"))
    ssl = next(c for c in doc["components"] if c["name"] == "openssl")
    # which of the two keeps the ref depends on content only, never on input order
    assert {clash["bom-ref"].split("#")[0], ssl["bom-ref"].split("#")[0]} == {OPENSSL.bom_ref}
    assert OPENSSL.bom_ref in (clash["bom-ref"], ssl["bom-ref"])
    assert clash["type"] == "library"
    assert "scope" not in clash
    assert "hashes" not in clash
    assert clash["cpe"] == "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"
    assert ("hemostat:cpe", "not a cpe") in props(clash)
    assert clash["licenses"] == [  # names force the list form; the expression becomes a name
        {"license": {"name": "Not-On-The-List-1.0"}},
        {"license": {"id": "MIT"}},
        {"license": {"name": "GPL-2.0-only OR MIT"}},
    ]
    assert len(doc["dependencies"]) == 4
    assert "ghost" not in orjson.dumps(doc["dependencies"]).decode()  # dangling edges dropped
    blank = next(c for c in doc["components"] if c["name"] == "x")
    assert blank["bom-ref"].startswith("component-")


def test_several_licenses_with_an_expression_combine_into_one() -> None:
    assert cyclonedx.licenses(("MIT", "Apache-2.0 OR GPL-2.0-only")) == [
        {"expression": "MIT AND (Apache-2.0 OR GPL-2.0-only)"}
    ]
    assert cyclonedx.licenses(("(MIT OR 0BSD)", "Zlib")) == [
        {"expression": "(MIT OR 0BSD) AND Zlib"}
    ]
    assert cyclonedx.licenses(("LicenseRef-acme",)) == [{"expression": "LicenseRef-acme"}]


def test_support_fields_replace_stale_taxonomy_properties() -> None:
    stale = replace(
        OPENSSL,
        properties=(("hemostat:level_of_support", "abandoned"), ("hemostat:cpe", OPENSSL.cpes[1])),
    )
    doc = doc_of(sample_sbom(components=(stale,), dependencies=()))
    p = props(doc["components"][0])
    assert [v for n, v in p if n == "hemostat:level_of_support"] == ["actively_maintained"]
    assert [v for n, v in p if n == "hemostat:cpe"] == list(OPENSSL.cpes[1:])
