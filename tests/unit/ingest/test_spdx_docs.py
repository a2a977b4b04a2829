"""Hand-written SPDX 2.2/2.3 documents, JSON and tag-value: every normalized field."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest

from hemostat.domain.component import Dependency, Hash, Sbom, SbomFormat, SupportLevel
from hemostat.ingest import Limits, read
from hemostat.ingest.spdx_tagvalue import parse

SHA256 = "a" * 64
SHA1 = "B" * 40


def ann(comment: str) -> dict[str, str]:
    return {
        "annotationDate": "2024-05-01T00:00:00Z",
        "annotationType": "OTHER",
        "annotator": "Person: Jane Roe",
        "comment": comment,
    }


def doc23() -> dict[str, Any]:
    return {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "pump-fw",
        "documentNamespace": "https://acme.example/spdx/pump-fw-4.2",
        "creationInfo": {
            "created": "2024-05-01T12:30:00Z",
            "creators": [
                "Tool: syft-1.0",
                "Person: Jane Roe (jane@acme.example)",
                "Organization: ACME Medical",
            ],
        },
        "documentDescribes": ["SPDXRef-device"],
        "packages": [
            {
                "SPDXID": "SPDXRef-device",
                "name": "Pump Firmware",
                "versionInfo": "4.2",
                "downloadLocation": "NOASSERTION",
                "supplier": "Organization: ACME Medical",
                "primaryPackagePurpose": "DEVICE",
            },
            {
                "SPDXID": "SPDXRef-openssl",
                "name": "openssl",
                "versionInfo": "3.0.13",
                "downloadLocation": "https://openssl.org",
                "supplier": "Organization: OpenSSL Software Foundation",
                "primaryPackagePurpose": "FIRMWARE",
                "licenseConcluded": "Apache-2.0",
                "licenseDeclared": "Apache-2.0",
                "description": "TLS library",
                "summary": "not used: description wins",
                "checksums": [
                    {"algorithm": "SHA256", "checksumValue": SHA256},
                    {"algorithm": "SHA1", "checksumValue": SHA1},
                ],
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": "pkg:generic/openssl@3.0.13",
                    },
                    {
                        "referenceCategory": "SECURITY",
                        "referenceType": "cpe23Type",
                        "referenceLocator": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",
                    },
                    {
                        "referenceCategory": "SECURITY",
                        "referenceType": "cpe22Type",
                        "referenceLocator": "cpe:/a:openssl:openssl:3.0.13",
                    },
                ],
                "annotations": [
                    ann(
                        "hemostat:level_of_support=actively_maintained\n"
                        "hemostat:end_of_support=2026-09-07"
                    ),
                ],
            },
            {
                "SPDXID": "SPDXRef-zlib",
                "name": "zlib",
                "versionInfo": "NOASSERTION",
                "downloadLocation": "NOASSERTION",
                "supplier": "NOASSERTION",
                "licenseConcluded": "NOASSERTION",
                "licenseDeclared": "Zlib",
                "summary": "compression",
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE_MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": "not a purl",
                    },
                    {
                        "referenceCategory": "SECURITY",
                        "referenceType": "cpe23Type",
                        "referenceLocator": "cpe:2.3:broken",
                    },
                ],
            },
            {
                "SPDXID": "SPDXRef-rtos",
                "name": "FreeRTOS",
                "versionInfo": "10.4.3",
                "downloadLocation": "NOASSERTION",
                "supplier": "Person: Richard Barry",
                "annotations": [
                    ann("hemostat:level_of_support=no_longer_maintained"),
                    ann("hemostat:end_of_support=unknown"),
                    ann("a review comment that is not a property"),
                ],
            },
        ],
        "files": [
            {
                "SPDXID": "SPDXRef-file",
                "fileName": "./fw.bin",
                "checksums": [{"algorithm": "SHA1", "checksumValue": SHA1.lower()}],
            },
        ],
        "relationships": [
            rel("SPDXRef-device", "DEPENDS_ON", "SPDXRef-openssl"),
            rel("SPDXRef-zlib", "DEPENDENCY_OF", "SPDXRef-openssl"),
            rel("SPDXRef-device", "CONTAINS", "SPDXRef-rtos"),
            rel("SPDXRef-rtos", "BUILD_DEPENDENCY_OF", "SPDXRef-device"),  # same edge again
            rel("SPDXRef-openssl", "DEPENDS_ON", "SPDXRef-ghost"),
            rel("SPDXRef-device", "CONTAINS", "SPDXRef-file"),
            rel("SPDXRef-rtos", "GENERATED_FROM", "SPDXRef-zlib"),
            rel("SPDXRef-device", "DEPENDS_ON", "DocumentRef-other:SPDXRef-x"),
        ],
    }


def rel(a: str, kind: str, b: str) -> dict[str, str]:
    return {"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b}


TAGVALUE23 = f"""\
## Document Information
SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: pump-fw
DocumentNamespace: https://acme.example/spdx/pump-fw-4.2
Creator: Tool: syft-1.0
Creator: Person: Jane Roe (jane@acme.example)
Creator: Organization: ACME Medical
Created: 2024-05-01T12:30:00Z
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-device

## Packages
PackageName: Pump Firmware
SPDXID: SPDXRef-device
PackageVersion: 4.2
PackageDownloadLocation: NOASSERTION
PackageSupplier: Organization: ACME Medical
PrimaryPackagePurpose: DEVICE

PackageName: openssl
SPDXID: SPDXRef-openssl
PackageVersion: 3.0.13
PackageDownloadLocation: https://openssl.org
PackageSupplier: Organization: OpenSSL Software Foundation
PrimaryPackagePurpose: FIRMWARE
PackageChecksum: SHA256: {SHA256}
PackageChecksum: SHA1: {SHA1}
PackageLicenseConcluded: Apache-2.0
PackageLicenseDeclared: Apache-2.0
PackageSummary: <text>not used: description wins</text>
PackageDescription: <text>TLS library</text>
ExternalRef: PACKAGE-MANAGER purl pkg:generic/openssl@3.0.13
ExternalRef: SECURITY cpe23Type cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*
ExternalRefComment: <text>from NVD
(checked by hand)</text>
ExternalRef: SECURITY cpe22Type cpe:/a:openssl:openssl:3.0.13

PackageName: zlib
SPDXID: SPDXRef-zlib
PackageVersion: NOASSERTION
PackageDownloadLocation: NOASSERTION
PackageSupplier: NOASSERTION
PackageLicenseConcluded: NOASSERTION
PackageLicenseDeclared: Zlib
PackageSummary: compression
ExternalRef: PACKAGE_MANAGER purl not-a-purl
ExternalRef: SECURITY cpe23Type cpe:2.3:broken

PackageName: FreeRTOS
SPDXID: SPDXRef-rtos
PackageVersion: 10.4.3
PackageDownloadLocation: NOASSERTION
PackageSupplier: Person: Richard Barry

FileName: ./fw.bin
SPDXID: SPDXRef-file
FileChecksum: SHA1: {SHA1.lower()}

SnippetSPDXID: SPDXRef-snippet
SnippetFromFileSPDXID: SPDXRef-file
SnippetByteRange: 1:20

Relationship: SPDXRef-device DEPENDS_ON SPDXRef-openssl
Relationship: SPDXRef-zlib DEPENDENCY_OF SPDXRef-openssl
Relationship: SPDXRef-device CONTAINS SPDXRef-rtos
Relationship: SPDXRef-rtos BUILD_DEPENDENCY_OF SPDXRef-device
RelationshipComment: the same edge again
Relationship: SPDXRef-openssl DEPENDS_ON SPDXRef-ghost
Relationship: SPDXRef-device CONTAINS SPDXRef-file
Relationship: SPDXRef-rtos GENERATED_FROM SPDXRef-zlib
Relationship: SPDXRef-device DEPENDS_ON DocumentRef-other:SPDXRef-x
Relationship: SPDXRef-snippet GENERATED_FROM SPDXRef-file

## Annotations
Annotator: Person: Jane Roe
AnnotationDate: 2024-05-01T00:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-openssl
AnnotationComment: <text>hemostat:level_of_support=actively_maintained
hemostat:end_of_support=2026-09-07</text>

Annotator: Person: Jane Roe
AnnotationDate: 2024-05-01T00:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-rtos
AnnotationComment: hemostat:level_of_support=no_longer_maintained

Annotator: Person: Jane Roe
AnnotationDate: 2024-05-01T00:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-rtos
AnnotationComment: hemostat:end_of_support=unknown

Annotator: Person: Jane Roe
AnnotationDate: 2024-05-01T00:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-rtos
AnnotationComment: a review comment that is not a property
"""


def read_json(doc: dict[str, Any]) -> Sbom:
    return read(orjson.dumps(doc), source="t.spdx.json")


def check_normalized(s: Sbom) -> None:
    """The expectations shared by the JSON and the tag-value form of the same document."""
    assert s.spec_version == "2.3"
    assert s.serial == "https://acme.example/spdx/pump-fw-4.2"
    assert s.name == "pump-fw"
    assert s.timestamp == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert s.tools == ("syft-1.0",)
    assert s.authors == ("Jane Roe", "ACME Medical")
    # The device is the one described package and has dependencies: it is the subject only.
    assert s.subject is not None
    assert (s.subject.bom_ref, s.subject.name, s.subject.type) == (
        "SPDXRef-device",
        "Pump Firmware",
        "device",
    )
    assert s.subject.supplier == "ACME Medical"
    assert [c.bom_ref for c in s.components] == ["SPDXRef-openssl", "SPDXRef-zlib", "SPDXRef-rtos"]
    ssl, zlib, rtos = s.components
    assert (ssl.name, ssl.version, ssl.type) == ("openssl", "3.0.13", "firmware")
    assert ssl.supplier == "OpenSSL Software Foundation"
    assert ssl.purl == "pkg:generic/openssl@3.0.13"
    assert ssl.cpes == ("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",)  # 2.2 URI → same 2.3
    assert ssl.hashes == (Hash("SHA-256", SHA256), Hash("SHA-1", SHA1.lower()))
    assert ssl.licenses == ("Apache-2.0",)
    assert ssl.description == "TLS library"
    assert ssl.level_of_support is SupportLevel.ACTIVELY_MAINTAINED
    assert ssl.end_of_support == date(2026, 9, 7)
    assert ssl.properties == (
        ("hemostat:level_of_support", "actively_maintained"),
        ("hemostat:end_of_support", "2026-09-07"),
    )
    assert (zlib.version, zlib.supplier, zlib.purl, zlib.cpes) == (None, None, None, ())
    assert (zlib.licenses, zlib.description, zlib.type) == (("Zlib",), "compression", "library")
    assert rtos.supplier == "Richard Barry"
    assert rtos.level_of_support is SupportLevel.NO_LONGER_MAINTAINED
    assert (rtos.end_of_support, rtos.support_note) == (None, "unknown")
    assert s.dependencies == (
        Dependency("SPDXRef-device", "SPDXRef-openssl"),
        Dependency("SPDXRef-openssl", "SPDXRef-zlib"),
        Dependency("SPDXRef-device", "SPDXRef-rtos"),
    )
    joined = "\n".join(s.warnings)
    assert "SPDXRef-zlib: invalid purl" in joined
    assert "SPDXRef-zlib: invalid CPE 'cpe:2.3:broken'" in joined
    assert "unknown element SPDXRef-ghost" in joined
    assert "DocumentRef-other" not in joined and "SPDXRef-file" not in joined


def test_json_23_every_field() -> None:
    s = read_json(doc23())
    assert s.format is SbomFormat.SPDX_JSON
    check_normalized(s)
    assert len(s.warnings) == 3


def test_tagvalue_23_normalizes_like_json() -> None:
    s = read(TAGVALUE23.encode(), source="t.spdx")
    assert s.format is SbomFormat.SPDX_TAGVALUE
    check_normalized(s)
    j = read_json(doc23())
    assert (s.components, s.dependencies, s.subject) == (j.components, j.dependencies, j.subject)
    assert s.warnings == tuple(w.replace("not a purl", "not-a-purl") for w in j.warnings)


def to22(doc: dict[str, Any]) -> dict[str, Any]:
    """The same document in SPDX 2.2: no purpose field; licenses and copyright are required."""
    d = copy.deepcopy(doc)
    d["spdxVersion"] = "SPDX-2.2"
    for p in d["packages"]:
        p.pop("primaryPackagePurpose", None)
        for key in ("licenseConcluded", "licenseDeclared", "copyrightText"):
            p.setdefault(key, "NOASSERTION")
    for f in d["files"]:
        f.update(
            licenseConcluded="NOASSERTION",
            licenseInfoInFiles=["NOASSERTION"],
            copyrightText="NOASSERTION",
        )
    return d


def test_json_22() -> None:
    s = read_json(to22(doc23()))
    assert (s.format, s.spec_version) == (SbomFormat.SPDX_JSON, "2.2")
    assert [c.type for c in s.components] == ["library"] * 3
    assert s.subject is not None and s.subject.type == "library"
    ssl = s.components[0]
    assert ssl.purl == "pkg:generic/openssl@3.0.13" and ssl.end_of_support == date(2026, 9, 7)
    assert s.components[2].licenses == ()


TAGVALUE22 = """\
SPDXVersion: SPDX-2.2
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: hello
DocumentNamespace: https://example.com/hello
Creator: Tool: hand
Created: 2021-08-26T01:46:00Z

PackageName: hello
SPDXID: SPDXRef-Package-hello
PackageVersion: 1.0
PackageDownloadLocation: NONE
FilesAnalyzed: false
PackageChecksum: MD5: 0123456789ABCDEF0123456789abcdef
PackageLicenseConcluded: GPL-3.0-or-later
PackageLicenseDeclared: GPL-3.0-or-later
PackageCopyrightText: <text>Copyright
  2021 Someone</text>
ExternalRef: PACKAGE-MANAGER purl pkg:deb/debian/hello@1.0?arch=amd64
PackageComment: <text>
multi-line
</text>

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-hello

LicenseID: LicenseRef-x
ExtractedText: <text>some text</text>
LicenseName: X

Reviewer: Person: Old Style
ReviewDate: 2021-08-26T01:46:00Z
"""


def test_tagvalue_22_single_package_stays_a_component() -> None:
    s = read(TAGVALUE22.encode(), source="hello.spdx")
    assert (s.format, s.spec_version) == (SbomFormat.SPDX_TAGVALUE, "2.2")
    assert s.subject is not None and s.subject.bom_ref == "SPDXRef-Package-hello"
    # A lone described package with no dependencies is kept in components as well.
    assert s.components == (s.subject,)
    c = s.subject
    assert (c.name, c.version, c.purl) == ("hello", "1.0", "pkg:deb/debian/hello@1.0?arch=amd64")
    assert c.hashes == (Hash("MD5", "0123456789abcdef0123456789abcdef"),)
    assert c.licenses == ("GPL-3.0-or-later",)
    assert (s.tools, s.authors, s.warnings) == (("hand",), (), ())


def test_several_described_packages_have_no_subject() -> None:
    d = doc23()
    d["documentDescribes"] = ["SPDXRef-device", "SPDXRef-rtos"]
    s = read_json(d)
    assert s.subject is None
    assert len(s.components) == 4


def test_duplicate_spdxid_is_kept_with_a_warning() -> None:
    d = doc23()
    d["packages"].append(dict(d["packages"][3], name="FreeRTOS-copy"))
    s = read_json(d)
    assert [c.bom_ref for c in s.components][-2:] == ["SPDXRef-rtos", "SPDXRef-rtos#dup4"]
    assert any("SPDXID repeated" in w for w in s.warnings)


def test_reverse_relationship_types_and_described_by() -> None:
    d = doc23()
    d.pop("documentDescribes")
    d["relationships"] = [
        rel("SPDXRef-device", "DESCRIBED_BY", "SPDXRef-DOCUMENT"),
        rel("SPDXRef-openssl", "CONTAINED_BY", "SPDXRef-device"),
        rel("SPDXRef-zlib", "PREREQUISITE_FOR", "SPDXRef-openssl"),
        rel("SPDXRef-rtos", "STATIC_LINK", "SPDXRef-zlib"),
        rel("SPDXRef-rtos", "COPY_OF", "SPDXRef-zlib"),  # not a dependency
    ]
    s = read_json(d)
    assert s.subject is not None and s.subject.bom_ref == "SPDXRef-device"
    assert [(x.ref, x.depends_on) for x in s.dependencies] == [
        ("SPDXRef-device", "SPDXRef-openssl"),
        ("SPDXRef-openssl", "SPDXRef-zlib"),
        ("SPDXRef-rtos", "SPDXRef-zlib"),
    ]


@pytest.mark.parametrize(
    "purpose",
    [
        "APPLICATION",
        "LIBRARY",
        "OPERATING_SYSTEM",
        "CONTAINER",
        "FRAMEWORK",
        "FILE",
        "SOURCE",
        "ARCHIVE",
    ],
)
def test_purpose_maps_to_component_type(purpose: str) -> None:
    d = doc23()
    d["packages"][1]["primaryPackagePurpose"] = purpose
    expected = {"OPERATING_SYSTEM": "operating-system", "SOURCE": "library", "ARCHIVE": "library"}
    assert read_json(d).components[0].type == expected.get(purpose, purpose.lower())


def test_tagvalue_crlf_and_counts() -> None:
    lf = read(TAGVALUE22.encode())
    crlf = read(TAGVALUE22.replace("\n", "\r\n").encode())
    assert (crlf.components, crlf.subject, crlf.warnings) == (lf.components, lf.subject, ())
    parsed = parse(TAGVALUE23.encode(), source="t", limits=Limits())
    assert (parsed.files, parsed.snippets, parsed.extra_ids) == (1, 1, {"SPDXRef-snippet"})
    comments = parsed.doc["packages"][1]["externalRefs"][1]["comment"]
    assert comments == "from NVD\n(checked by hand)"
    # annotations moved under their packages keep the line they came from
    assert parsed.locate(["packages", 3, "annotations", 1, "comment"]) == "line 93"
