"""SPDX 2.3 JSON export: schema-valid, complete, deterministic, snapshot-tested."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import orjson
import pytest
from export_support import (
    OPENSSL,
    RTOS,
    SUBJECT,
    UI,
    ZLIB,
    json_errors,
    sample_sbom,
    shuffled,
    spdx_json_validator,
)

from hemostat import __version__
from hemostat.domain.component import Component, Sbom
from hemostat.report import spdx
from snapshot_util import assert_snapshot

TOOL = f"Tool: hemostat-{__version__}"


def doc_of(sbom: Sbom) -> dict[str, Any]:
    out = spdx.render(sbom)
    assert json_errors(spdx_json_validator(), out) == []
    return orjson.loads(out)  # type: ignore[no-any-return]


def packages(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in doc["packages"]}


def test_sample_matches_snapshot() -> None:
    assert_snapshot("export/sample.spdx.json", spdx.render(sample_sbom()))


def test_minimal_sbom_matches_snapshot() -> None:
    sbom = sample_sbom(subject=None, serial=None, timestamp=None, authors=(), tools=(), name=None)
    out = spdx.render(sbom)
    assert json_errors(spdx_json_validator(), out) == []
    assert_snapshot("export/minimal.spdx.json", out)


def test_document_header() -> None:
    doc = doc_of(sample_sbom())
    assert doc["spdxVersion"] == "SPDX-2.3"
    assert doc["dataLicense"] == "CC0-1.0"
    assert doc["SPDXID"] == "SPDXRef-DOCUMENT"
    assert doc["name"] == "ACME IP-200 4.2.0"
    assert doc["documentNamespace"].endswith("3e671687-395b-41f5-a30f-a58921a69b79")
    assert doc["creationInfo"] == {
        "created": "2024-05-01T12:30:15Z",
        "creators": ["Person: Jane Doe", TOOL, "Tool: syft-1.4.1"],
    }


def test_missing_timestamp_is_the_epoch_and_namespace_is_stable() -> None:
    a = doc_of(sample_sbom(timestamp=None, serial=None))
    b = doc_of(sample_sbom(timestamp=None, serial=None))
    assert a["creationInfo"]["created"] == "1970-01-01T00:00:00Z"
    assert a["documentNamespace"] == b["documentNamespace"]
    c = doc_of(sample_sbom(serial=None, sha256="0" * 64))
    assert c["documentNamespace"] != a["documentNamespace"]


def test_an_spdx_namespace_is_kept() -> None:
    ns = "https://example.com/spdxdocs/pump-4.2.0-1234"
    assert doc_of(sample_sbom(serial=ns))["documentNamespace"] == ns


def test_packages_carry_every_field() -> None:
    pk = packages(doc_of(sample_sbom()))
    ssl = pk["openssl"]
    assert ssl["versionInfo"] == "3.0.11-1"
    assert ssl["supplier"] == "Organization: Debian"
    assert ssl["downloadLocation"] == "NOASSERTION"
    assert ssl["checksums"] == [
        {"algorithm": "SHA1", "checksumValue": "b" * 40},
        {"algorithm": "SHA224", "checksumValue": "c" * 56},
        {"algorithm": "SHA256", "checksumValue": "a" * 64},
    ]
    assert ssl["licenseConcluded"] == ssl["licenseDeclared"] == "Apache-2.0"
    assert ssl["externalRefs"][0] == {
        "referenceCategory": "PACKAGE-MANAGER",
        "referenceType": "purl",
        "referenceLocator": OPENSSL.purl,
    }
    cpes = [(r["referenceType"], r["referenceLocator"]) for r in ssl["externalRefs"][1:]]
    assert cpes == [
        ("cpe23Type", OPENSSL.cpes[0]),
        ("cpe23Type", OPENSSL.cpes[1]),
        ("cpe23Type", OPENSSL.cpes[2]),
    ]
    assert ssl["primaryPackagePurpose"] == "LIBRARY"
    assert pk["PumpRTOS"]["primaryPackagePurpose"] == "OPERATING_SYSTEM"
    assert pk[SUBJECT.name]["primaryPackagePurpose"] == "FIRMWARE"
    assert pk["ui"]["licenseDeclared"] == "NOASSERTION"
    assert "externalRefs" not in pk["PumpRTOS"]


def test_a_cpe22_uri_is_labelled_as_such() -> None:
    comp = Component(bom_ref="c", name="c", cpes=("cpe:/a:acme:pump_os:7.1",))
    doc = doc_of(sample_sbom(components=(comp,), dependencies=()))
    assert packages(doc)["c"]["externalRefs"] == [
        {
            "referenceCategory": "SECURITY",
            "referenceType": "cpe22Type",
            "referenceLocator": "cpe:/a:acme:pump_os:7.1",
        }
    ]


def test_the_sbom_supplier_supplies_a_subject_without_one() -> None:
    doc = doc_of(sample_sbom(subject=replace(SUBJECT, supplier=None)))
    assert packages(doc)[SUBJECT.name]["supplier"] == "Organization: ACME Medical"


def test_support_data_travels_as_annotations() -> None:
    pk = packages(doc_of(sample_sbom()))
    notes = {name: [a["comment"] for a in p.get("annotations", [])] for name, p in pk.items()}
    assert notes["openssl"] == [
        "hemostat:end_of_support=2026-09-07",
        "hemostat:level_of_support=actively_maintained",
    ]
    assert notes["zlib"] == [
        "hemostat:level_of_support=no_longer_maintained",
        "hemostat:support_note=replaced by zlib-ng in release 5.0",
    ]
    assert "hemostat:level_of_support=unknown" in notes["PumpRTOS"]
    assert "acme:build=r17" in notes["PumpRTOS"]
    ann = pk["ui"]["annotations"][0]
    assert ann["annotationType"] == "OTHER"
    assert ann["annotator"] == TOOL
    assert ann["annotationDate"] == "2024-05-01T12:30:15Z"


def test_license_names_become_defined_license_refs() -> None:
    doc = doc_of(sample_sbom())
    rtos = packages(doc)["PumpRTOS"]
    m = re.fullmatch(r"(LicenseRef-[A-Za-z0-9.\-]+) AND MIT", rtos["licenseDeclared"])
    assert m is not None
    assert doc["hasExtractedLicensingInfos"] == [
        {
            "licenseId": m.group(1),
            "extractedText": "ACME Proprietary License",
            "name": "ACME Proprietary License",
        }
    ]
    assert packages(doc)["zlib"]["licenseDeclared"] == "Zlib OR MIT"


def test_relationships_describe_the_subject_and_dependencies() -> None:
    doc = doc_of(sample_sbom())
    ids = {p["name"]: p["SPDXID"] for p in doc["packages"]}
    rels = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in doc["relationships"]
    }
    assert rels == {
        ("SPDXRef-DOCUMENT", "DESCRIBES", ids[SUBJECT.name]),
        (ids[SUBJECT.name], "DEPENDS_ON", ids["openssl"]),
        (ids[SUBJECT.name], "DEPENDS_ON", ids["PumpRTOS"]),
        (ids[SUBJECT.name], "DEPENDS_ON", ids["ui"]),
        (ids["openssl"], "DEPENDS_ON", ids["zlib"]),
        (ids["PumpRTOS"], "DEPENDS_ON", ids["zlib"]),
        (ids["ui"], "DEPENDS_ON", ids["openssl"]),
    }
    as_list = [
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in doc["relationships"]
    ]
    assert as_list == sorted(as_list)


def test_without_a_subject_the_roots_are_described() -> None:
    doc = doc_of(sample_sbom(subject=None))
    ids = {p["name"]: p["SPDXID"] for p in doc["packages"]}
    described = [
        r["relatedSpdxElement"]
        for r in doc["relationships"]
        if r["relationshipType"] == "DESCRIBES"
    ]
    assert described == sorted([ids["ui"], ids["PumpRTOS"]])  # nothing depends on these two


def test_spdx_ids_are_safe_unique_and_derived_from_refs() -> None:
    ids = spdx.spdx_ids(
        [
            "SPDXRef-Package-1",
            "vendor-rtos",
            "pkg:npm/a@1",
            "pkg:npm/a?1",
            "a b",
            "SPDXRef-DOCUMENT",
        ]
    )
    assert ids["SPDXRef-Package-1"] == "SPDXRef-Package-1"  # already an SPDXID: kept (round trip)
    assert ids["vendor-rtos"] == "SPDXRef-vendor-rtos"
    assert ids["SPDXRef-DOCUMENT"] != "SPDXRef-DOCUMENT"  # reserved for the document
    assert len(set(ids.values())) == len(ids)
    assert all(re.fullmatch(r"SPDXRef-[A-Za-z0-9.\-]+", v) for v in ids.values())
    assert ids == spdx.spdx_ids(list(reversed(list(ids))))


def test_license_refs_inside_expressions_are_defined() -> None:
    comp = Component(bom_ref="c", name="c", licenses=("(LicenseRef-a AND MIT)", "Apache-2.0"))
    doc = doc_of(sample_sbom(components=(comp,), dependencies=()))
    assert packages(doc)["c"]["licenseDeclared"] == "(LicenseRef-a AND MIT) AND Apache-2.0"
    assert doc["hasExtractedLicensingInfos"] == [
        {"licenseId": "LicenseRef-a", "extractedText": "NOASSERTION"}
    ]


def test_byte_identical_whatever_the_input_order() -> None:
    sbom = sample_sbom()
    first = spdx.render(sbom)
    assert first.endswith(b"}\n")
    assert spdx.render(sbom) == first
    for seed in range(5):
        assert spdx.render(shuffled(sbom, seed)) == first


def test_semantically_valid_for_spdx_tools() -> None:
    """spdx-tools (a bench extra) checks what the schema cannot: ids, LicenseRefs, relationships."""
    pytest.importorskip("spdx_tools")
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import (  # noqa: PLC0415
        JsonLikeDictParser,
    )
    from spdx_tools.spdx.validation.document_validator import (  # noqa: PLC0415
        validate_full_spdx_document,
    )

    odd = Component(bom_ref="pkg:x/a b@1", name="odd", licenses=("Some License", "GPL-2.0-only"))
    refd = Component(bom_ref="SPDXRef-Package-x", name="refd", licenses=("LicenseRef-x OR MIT",))
    sbom = sample_sbom(components=(OPENSSL, ZLIB, RTOS, UI, odd, refd))
    parser = JsonLikeDictParser()  # type: ignore[no-untyped-call]
    document = parser.parse(orjson.loads(spdx.render(sbom)))
    assert [m.validation_message for m in validate_full_spdx_document(document)] == []
