"""Random mutations of small valid SPDX documents raise only IngestError subclasses, and never
through the last-resort guard (code ``spdx_unexpected_structure``), which would hide a bug."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemostat.domain.component import Sbom
from hemostat.errors import IngestError
from hemostat.ingest import read

TAGVALUE = """\
SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: fuzz
DocumentNamespace: https://example.com/fuzz
Creator: Tool: t
Created: 2024-01-01T00:00:00Z
PackageName: a
SPDXID: SPDXRef-a
PackageVersion: 1.0
PackageDownloadLocation: NONE
PackageSupplier: Organization: A
PackageChecksum: SHA256: 00ff
ExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1.0
ExternalRef: SECURITY cpe23Type cpe:2.3:a:a:a:1.0:*:*:*:*:*:*:*
PackageComment: <text>two
lines</text>
PackageName: b
SPDXID: SPDXRef-b
PackageDownloadLocation: NONE
FileName: f
SPDXID: SPDXRef-f
FileChecksum: SHA1: 00
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a
Relationship: SPDXRef-a DEPENDS_ON SPDXRef-b
Annotator: Tool: t
AnnotationDate: 2024-01-01T00:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-b
AnnotationComment: hemostat:level_of_support=abandoned
"""
LINES = TAGVALUE.splitlines()
FRAGMENTS = [
    "<text>",
    "</text>",
    ":",
    "SPDXID: ",
    "Relationship: a b",
    "PackageName: ",
    "\n",
    "SPDXRef-a",
    "NOASSERTION",
    "#",
    "\x00",
    "é",
    "SPDX-2.2",
    "SPDXREF: x",
    "  ",
]

DOC: dict[str, Any] = orjson.loads(
    orjson.dumps(
        {
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": "fuzz",
            "documentNamespace": "https://example.com/fuzz",
            "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: t"]},
            "documentDescribes": ["SPDXRef-a"],
            "packages": [
                {
                    "SPDXID": "SPDXRef-a",
                    "name": "a",
                    "downloadLocation": "NONE",
                    "versionInfo": "1",
                    "supplier": "Person: p",
                    "primaryPackagePurpose": "LIBRARY",
                    "checksums": [{"algorithm": "SHA1", "checksumValue": "00"}],
                    "externalRefs": [
                        {
                            "referenceCategory": "PACKAGE-MANAGER",
                            "referenceType": "purl",
                            "referenceLocator": "pkg:npm/a@1",
                        }
                    ],
                    "annotations": [
                        {
                            "annotationDate": "2024-01-01T00:00:00Z",
                            "annotationType": "OTHER",
                            "annotator": "Tool: t",
                            "comment": "hemostat:end_of_support=2025-01-01",
                        }
                    ],
                },
                {"SPDXID": "SPDXRef-b", "name": "b", "downloadLocation": "NONE"},
            ],
            "relationships": [
                {
                    "spdxElementId": "SPDXRef-a",
                    "relationshipType": "DEPENDS_ON",
                    "relatedSpdxElement": "SPDXRef-b",
                }
            ],
        }
    )
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(max_size=10)
    | st.sampled_from(["SPDXRef-a", "SPDXRef-b", "NOASSERTION", "SPDX-2.2", "DEPENDS_ON"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def outcome(data: bytes) -> None:
    try:
        result = read(data, source="fuzz")
    except IngestError as exc:
        assert exc.code != "spdx_unexpected_structure", str(exc)
    else:
        assert isinstance(result, Sbom)


@st.composite
def mutated_tagvalue(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "edit", "swap", "cut"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(FRAGMENTS)) + draw(st.text(max_size=8)))
        elif op == "edit":
            pos = draw(st.integers(0, len(lines[i])))
            new = draw(st.sampled_from(FRAGMENTS) | st.text(max_size=3))
            lines[i] = lines[i][:pos] + new + lines[i][pos + draw(st.integers(0, 3)) :]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines = lines[: i + 1]
    return "\n".join(lines)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(DOC)[1:]


@st.composite
def mutated_json(draw: st.DrawFn) -> bytes:
    doc = copy.deepcopy(DOC)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()):
                parent[path[-1]] = draw(json_values)
            elif isinstance(parent, dict):
                parent.pop(path[-1], None)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    raw = orjson.dumps(doc)
    if draw(st.integers(0, 4)) == 0:  # sometimes also damage the bytes
        pos = draw(st.integers(1, len(raw) - 1))
        raw = raw[:pos] + draw(st.binary(max_size=3)) + raw[pos + draw(st.integers(0, 3)) :]
    return raw


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_seeds_are_valid() -> None:
    for sbom in (read(TAGVALUE.encode()), read(orjson.dumps(DOC))):
        assert sbom.subject is not None and sbom.subject.name == "a"
        assert [c.name for c in sbom.components] == ["b"]


@SETTINGS
@given(mutated_tagvalue())
def test_tagvalue_mutations_raise_only_ingest_errors(text: str) -> None:
    outcome(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(mutated_json())
def test_json_mutations_raise_only_ingest_errors(raw: bytes) -> None:
    outcome(raw)
