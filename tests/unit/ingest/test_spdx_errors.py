"""SPDX 2.x refusals: each names the place (JSON Pointer, line) and uses the right error class."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from hemostat.domain.component import SbomFormat
from hemostat.errors import (
    FormatNotRecognized,
    InputTooDeep,
    InputTooLarge,
    InvalidEncoding,
    MalformedDocument,
    SchemaViolation,
    UnsupportedSpecVersion,
)
from hemostat.ingest import Limits, detect_format, read
from hemostat.ingest.spdx import SpdxJsonReader
from hemostat.ingest.spdx_tagvalue import sniff


def small(version: str = "SPDX-2.3") -> dict[str, Any]:
    return {
        "spdxVersion": version,
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "x",
        "documentNamespace": "https://example.com/x",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: t"]},
        "packages": [{"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "NONE"}],
    }


def read_json(doc: object, **kw: Any) -> object:
    return read(orjson.dumps(doc), source="x.json", **kw)


HEAD = """SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: x
DocumentNamespace: https://example.com/x
Creator: Tool: t
Created: 2024-01-01T00:00:00Z
PackageName: a
SPDXID: SPDXRef-a
PackageDownloadLocation: NONE
"""


def read_tv(text: str) -> object:
    return read(text.encode(), source="x.spdx")


@pytest.mark.parametrize("version", ["SPDX-2.1", "SPDX-3.0", 2.3])
def test_json_other_versions_are_unsupported(version: object) -> None:
    with pytest.raises(UnsupportedSpecVersion) as exc:
        read_json(small(version))  # type: ignore[arg-type]
    assert exc.value.location == "/spdxVersion"
    assert "SPDX-2.2 and SPDX-2.3" in exc.value.message


def test_json_missing_version() -> None:
    d = small()
    del d["spdxVersion"]
    with pytest.raises(UnsupportedSpecVersion, match="missing"):
        read_json(d)


@pytest.mark.parametrize(
    ("path", "value", "pointer"),
    [
        (("packages", 0, "name"), 5, "/packages/0/name"),
        (("packages", 0, "externalRefs"), "pkg:npm/a", "/packages/0/externalRefs"),
        (("creationInfo", "creators"), {"a": 1}, "/creationInfo/creators"),
        (
            ("packages", 0, "checksums"),
            [{"algorithm": "SHA999", "checksumValue": "0"}],
            "/packages/0/checksums/0/algorithm",
        ),
    ],
)
def test_json_wrong_types_point_at_the_field(
    path: tuple[Any, ...], value: object, pointer: str
) -> None:
    d = small()
    target: Any = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(SchemaViolation) as exc:
        read_json(d)
    assert exc.value.location == pointer


def test_json_top_level_array_and_missing_required() -> None:
    with pytest.raises(FormatNotRecognized):
        read(b'[{"spdxVersion": "SPDX-2.3"}]')  # not an object, so not claimed by the sniffer
    with pytest.raises(SchemaViolation) as exc:  # and the reader refuses it if called anyway
        SpdxJsonReader().read(b"[1]", source="x", limits=Limits(), sha256="")
    assert exc.value.location == "/"
    d = small()
    del d["packages"][0]["downloadLocation"]
    with pytest.raises(SchemaViolation) as exc:
        read_json(d)
    assert exc.value.location == "/packages/0"


def test_json_syntax_error_has_position() -> None:
    with pytest.raises(MalformedDocument) as exc:
        read(b'{"spdxVersion": "SPDX-2.3",\n "name": tru}')
    assert exc.value.location is not None and exc.value.location.startswith("line 2 column")


def test_json_invalid_utf8() -> None:
    with pytest.raises(InvalidEncoding):
        read(b'{"spdxVersion": "SPDX-2.3", "name": "\xff\xfe"}')


def test_json_depth() -> None:
    deep = b'{"spdxVersion": "SPDX-2.3", "x": ' + b"[" * 300 + b"]" * 300 + b"}"
    with pytest.raises(InputTooDeep):
        read(deep)
    deeper = b'{"spdxVersion": "SPDX-2.3", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    with pytest.raises(InputTooDeep):
        read(deeper)


def test_json_depth_inside_the_schemas_open_part() -> None:
    """files[].artifactOfs[] is the one place the schema allows any content."""
    d = small()
    nested: Any = 1
    for _ in range(200):
        nested = {"a": nested}
    d["files"] = [
        {
            "SPDXID": "SPDXRef-f",
            "fileName": "f",
            "artifactOfs": [nested],
            "checksums": [{"algorithm": "SHA1", "checksumValue": "0" * 40}],
        }
    ]
    with pytest.raises(InputTooDeep):
        read_json(d)
    read_json(d, limits=Limits(max_depth=300))


def test_tv_unclosed_text_names_its_line() -> None:
    with pytest.raises(MalformedDocument, match="never closed") as exc:
        read_tv(HEAD + "PackageComment: <text>starts here\nand goes on\n")
    assert exc.value.location == "line 11"


def test_tv_missing_version() -> None:
    with pytest.raises(UnsupportedSpecVersion, match="missing") as exc:
        read_tv(HEAD.replace("SPDXVersion: SPDX-2.3\n", ""))
    assert exc.value.location is not None and exc.value.location.startswith("line 1")


def test_tv_old_version_names_its_line() -> None:
    with pytest.raises(UnsupportedSpecVersion) as exc:
        read_tv("# comment\n\n" + HEAD.replace("SPDX-2.3", "SPDX-2.1"))
    assert exc.value.location == "line 3"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("this line has no tag", "expected 'Tag: value'"),
        ("Bad Tag: x", "expected 'Tag: value'"),
        ("PackageChecksum: deadbeef", "checksum must be"),
        ("ExternalRef: SECURITY cpe23Type", "ExternalRef must be"),
        ("Relationship: SPDXRef-a DEPENDS_ON", "Relationship must be"),
        ("FilesAnalyzed: maybe", "FilesAnalyzed must be"),
        ("LicenseConcluded: MIT", "outside a file"),
        ("AnnotationComment: hello", "before the tag that starts"),
        ("ExternalDocumentRef: DocumentRef-x https://x", "ExternalDocumentRef must be"),
    ],
)
def test_tv_bad_lines_name_their_line(line: str, message: str) -> None:
    with pytest.raises(MalformedDocument, match=message) as exc:
        read_tv(HEAD + line + "\n")
    assert exc.value.location == "line 11"


def test_tv_schema_violation_names_the_line() -> None:
    text = HEAD + "PackageVersion: 1\nPackageChecksum: SHA999: 00\n"
    with pytest.raises(SchemaViolation) as exc:
        read_tv(text)
    assert exc.value.location == "line 12 (/packages/0/checksums/0/algorithm)"
    with pytest.raises(SchemaViolation) as exc:
        read_tv(HEAD.replace("PackageDownloadLocation: NONE\n", ""))
    assert exc.value.location == "line 8 (/packages/0)"  # the package that lacks the field


def test_tv_unknown_tags_warn() -> None:
    s = read(HEAD.encode() + b"FancyNewTag: 1\n")
    assert s.warnings == ("line 11: unknown tag 'FancyNewTag' ignored",)
    assert [c.name for c in s.components] == ["a"]


def test_tv_repeated_single_tag_warns_last_wins() -> None:
    s = read((HEAD + "PackageVersion: 1\nPackageVersion: 2\n").encode())
    assert s.components[0].version == "2"
    assert s.warnings == ("line 12: PackageVersion given again; the last value is used",)


def test_tv_invalid_utf8_names_the_line() -> None:
    with pytest.raises(InvalidEncoding) as exc:
        read(HEAD.encode() + b"PackageComment: \xff\n")
    assert exc.value.location == "line 11"


def test_tv_value_over_string_limit() -> None:
    with pytest.raises(InputTooLarge) as exc:
        read((HEAD + "PackageComment: " + "x" * 200 + "\n").encode(), limits=Limits(max_string=100))
    assert exc.value.location == "line 11"


def test_sniffing() -> None:
    assert detect_format(HEAD.encode()) is SbomFormat.SPDX_TAGVALUE
    assert sniff(b"# generated\n\n## Document\nDataLicense: CC0-1.0\n")
    assert not sniff(b"PackageName: a\n") and not sniff(b"hello: world\n")
    assert detect_format(orjson.dumps(small())) is SbomFormat.SPDX_JSON
    # spdxVersion beyond the first 4 KiB: the early SPDXID still identifies the document.
    late = small()
    late = {"SPDXID": "SPDXRef-DOCUMENT", "comment": "x" * 5000, **late}
    assert detect_format(orjson.dumps(late)) is SbomFormat.SPDX_JSON
    with pytest.raises(FormatNotRecognized):
        detect_format(b'{"name": "nothing"}')
