"""SPDX 3.0.1 JSON-LD: a hand-written document checked field by field, and its refusals."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest

from hemostat.domain.component import Dependency, Hash, SbomFormat, SupportLevel
from hemostat.errors import InputTooDeep, SchemaViolation, UnsupportedSpecVersion
from hemostat.ingest import Limits, detect_format, read

CTX = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
CI = "_:ci"


def el(kind: str, spdx_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "spdxId": spdx_id, "creationInfo": CI, **fields}


def rel(spdx_id: str, kind: str, a: str, *b: str) -> dict[str, Any]:
    return el("Relationship", spdx_id, relationshipType=kind, to=list(b), **{"from": a})


def doc3() -> dict[str, Any]:
    graph = [
        {
            "@id": CI,
            "type": "CreationInfo",
            "specVersion": "3.0.1",
            "created": "2025-01-02T03:04:05Z",
            "createdBy": ["urn:person"],
            "createdUsing": ["urn:tool"],
        },
        el("Person", "urn:person", name="Jane Roe"),
        el("Tool", "urn:tool", name="sbom-gen 2.0"),
        el("Organization", "urn:acme", name="ACME Medical"),
        el(
            "software_Package",
            "urn:device",
            name="Pump",
            software_packageVersion="4.2",
            software_primaryPurpose="device",
            suppliedBy="urn:acme",
        ),
        el(
            "software_Package",
            "urn:ssl",
            name="openssl",
            software_packageVersion="3.0.13",
            software_packageUrl="pkg:generic/openssl@3.0.13",
            software_primaryPurpose="library",
            description="TLS library",
            externalIdentifier=[
                {
                    "type": "ExternalIdentifier",
                    "externalIdentifierType": "cpe23",
                    "identifier": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",
                }
            ],
            verifiedUsing=[
                {"type": "Hash", "algorithm": "sha256", "hashValue": "AB" * 32},
                {"type": "Hash", "algorithm": "sha3_256", "hashValue": "cd" * 32},
            ],
        ),
        el(
            "software_Package",
            "urn:zlib",
            name="zlib",
            externalIdentifier=[
                {
                    "type": "ExternalIdentifier",
                    "externalIdentifierType": "packageUrl",
                    "identifier": "pkg:generic/zlib@1.3",
                }
            ],
        ),
        el("ai_AIPackage", "urn:model", name="classifier", software_packageVersion="1"),
        el("software_File", "urn:file", name="fw.bin"),
        el(
            "simplelicensing_LicenseExpression",
            "urn:lic",
            simplelicensing_licenseExpression="Apache-2.0",
        ),
        el(
            "Annotation",
            "urn:note",
            annotationType="other",
            subject="urn:ssl",
            statement="hemostat:level_of_support=abandoned\nhemostat:end_of_support=2024-12-31",
        ),
        rel("urn:r1", "dependsOn", "urn:device", "urn:ssl", "urn:model"),
        rel("urn:r2", "contains", "urn:ssl", "urn:zlib", "urn:file"),
        rel("urn:r3", "hasDeclaredLicense", "urn:ssl", "urn:lic"),
        rel("urn:r4", "dependsOn", "urn:zlib", "urn:ghost"),
        rel(
            "urn:r5",
            "hasConcludedLicense",
            "urn:zlib",
            "https://spdx.org/rdf/3.0.1/terms/Expanded/NoAssertionLicense",
        ),
        el("software_Sbom", "urn:sbom", rootElement=["urn:device"], element=["urn:ssl"]),
        el("SpdxDocument", "urn:doc", name="pump-fw", rootElement=["urn:sbom"]),
    ]
    return {"@context": CTX, "@graph": graph}


def read3(doc: object, **kw: Any) -> Any:
    return read(orjson.dumps(doc), source="x.spdx3.json", **kw)


def test_every_field() -> None:
    s = read3(doc3())
    assert (s.format, s.spec_version) == (SbomFormat.SPDX3_JSONLD, "3.0.1")
    assert (s.serial, s.name) == ("urn:doc", "pump-fw")
    assert s.timestamp == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (s.authors, s.tools) == (("Jane Roe",), ("sbom-gen 2.0",))
    assert s.subject is not None
    assert (s.subject.bom_ref, s.subject.type, s.subject.supplier) == (
        "urn:device",
        "device",
        "ACME Medical",
    )
    assert [c.bom_ref for c in s.components] == ["urn:ssl", "urn:zlib", "urn:model"]
    ssl, zlib, model = s.components
    assert (ssl.name, ssl.version, ssl.purl, ssl.description) == (
        "openssl",
        "3.0.13",
        "pkg:generic/openssl@3.0.13",
        "TLS library",
    )
    assert ssl.cpes == ("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",)
    assert ssl.hashes == (Hash("SHA-256", "ab" * 32), Hash("SHA3-256", "cd" * 32))
    assert ssl.licenses == ("Apache-2.0",)
    assert (ssl.level_of_support, ssl.end_of_support) == (
        SupportLevel.ABANDONED,
        date(2024, 12, 31),
    )
    assert ("hemostat:level_of_support", "abandoned") in ssl.properties
    assert (zlib.purl, zlib.licenses, zlib.type) == (
        "pkg:generic/zlib@1.3",
        (),
        "library",
    )
    assert model.type == "machine-learning-model"
    assert s.dependencies == (
        Dependency("urn:device", "urn:ssl"),
        Dependency("urn:device", "urn:model"),
        Dependency("urn:ssl", "urn:zlib"),
    )
    assert s.warnings == ("relationship urn:zlib dependsOn urn:ghost: unknown element urn:ghost",)


def test_sniff() -> None:
    assert detect_format(orjson.dumps(doc3())) is SbomFormat.SPDX3_JSONLD


def test_other_context_is_unsupported() -> None:
    d = doc3()
    d["@context"] = "https://spdx.org/rdf/3.0.0/spdx-context.jsonld"
    with pytest.raises(UnsupportedSpecVersion) as exc:
        read3(d)
    assert exc.value.location == "/@context"


def test_schema_violation_points_into_the_graph() -> None:
    d = doc3()
    d["@graph"][5]["software_packageVersion"] = 3
    with pytest.raises(SchemaViolation) as exc:
        read3(d)
    assert exc.value.location is not None and exc.value.location.startswith("/@graph/5")
    d = doc3()
    d["@graph"].append({"type": "NoSuchClass", "spdxId": "urn:x"})
    with pytest.raises(SchemaViolation) as exc:
        read3(d)
    assert exc.value.location == f"/@graph/{len(d['@graph']) - 1}"
    with pytest.raises(SchemaViolation):
        read3({"@context": CTX, "@graph": {"not": "a list"}})


def test_depth_is_limited() -> None:
    d = copy.deepcopy(doc3())
    nested: Any = "x"
    for _ in range(50):
        nested = [nested]
    d["@graph"][5]["comment"] = nested
    with pytest.raises(InputTooDeep):
        read3(d, limits=Limits(max_depth=20))


def test_several_roots_mean_no_subject_and_lone_root_stays() -> None:
    d = doc3()
    d["@graph"][-2]["rootElement"] = ["urn:device", "urn:zlib"]
    assert read3(d).subject is None
    d = doc3()
    d["@graph"] = [e for e in d["@graph"] if e.get("type") != "Relationship"]
    s = read3(d)
    assert s.subject is not None and s.subject in s.components  # no edges: kept as a component
