"""SPDX 2.2/2.3 tag-value → a dict in the SPDX JSON shape, validated afterwards by the JSON schema.

Hand-written on purpose: spdx-tools' ply-based tag-value parser is super-linear (~165 s for 2,000
packages, LIBRARIES.md). This is one pass over the lines with dict dispatch per tag: linear time.
Files are kept (schema-checked like JSON files); snippets are only counted and their IDs kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from hemostat.errors import InputTooLarge, InvalidEncoding, MalformedDocument
from hemostat.ingest.reader import Limits

# tag → (section, JSON key, kind). A "start" tag opens a new object of its section.
TABLE: dict[str, tuple[str, str, str]] = {
    "SPDXVersion": ("doc", "spdxVersion", "str"),
    "DataLicense": ("doc", "dataLicense", "str"),
    "DocumentName": ("doc", "name", "str"),
    "DocumentNamespace": ("doc", "documentNamespace", "str"),
    "DocumentComment": ("doc", "comment", "str"),
    "ExternalDocumentRef": ("doc", "externalDocumentRefs", "extdoc"),
    "LicenseListVersion": ("ci", "licenseListVersion", "str"),
    "Creator": ("ci", "creators", "list"),
    "Created": ("ci", "created", "str"),
    "CreatorComment": ("ci", "comment", "str"),
    "SPDXID": ("entity", "SPDXID", "str"),
    "PackageName": ("package", "name", "start"),
    "PackageVersion": ("package", "versionInfo", "str"),
    "PackageFileName": ("package", "packageFileName", "str"),
    "PackageSupplier": ("package", "supplier", "str"),
    "PackageOriginator": ("package", "originator", "str"),
    "PackageDownloadLocation": ("package", "downloadLocation", "str"),
    "FilesAnalyzed": ("package", "filesAnalyzed", "bool"),
    "PackageVerificationCode": ("package", "packageVerificationCode", "verif"),
    "PackageChecksum": ("package", "checksums", "checksum"),
    "PackageHomePage": ("package", "homepage", "str"),
    "PackageSourceInfo": ("package", "sourceInfo", "str"),
    "PackageLicenseConcluded": ("package", "licenseConcluded", "str"),
    "PackageLicenseInfoFromFiles": ("package", "licenseInfoFromFiles", "list"),
    "PackageLicenseDeclared": ("package", "licenseDeclared", "str"),
    "PackageLicenseComments": ("package", "licenseComments", "str"),
    "PackageCopyrightText": ("package", "copyrightText", "str"),
    "PackageSummary": ("package", "summary", "str"),
    "PackageDescription": ("package", "description", "str"),
    "PackageComment": ("package", "comment", "str"),
    "PackageAttributionText": ("package", "attributionTexts", "list"),
    "ExternalRef": ("package", "externalRefs", "extref"),
    "ExternalRefComment": ("package", "externalRefs", "extrefcomment"),
    "PrimaryPackagePurpose": ("package", "primaryPackagePurpose", "str"),
    "ReleaseDate": ("package", "releaseDate", "str"),
    "BuiltDate": ("package", "builtDate", "str"),
    "ValidUntilDate": ("package", "validUntilDate", "str"),
    "FileName": ("file", "fileName", "start"),
    "FileType": ("file", "fileTypes", "list"),
    "FileChecksum": ("file", "checksums", "checksum"),
    "LicenseConcluded": ("file", "licenseConcluded", "str"),
    "LicenseInfoInFile": ("file", "licenseInfoInFiles", "list"),
    "LicenseComments": ("file", "licenseComments", "str"),
    "FileCopyrightText": ("file", "copyrightText", "str"),
    "FileComment": ("file", "comment", "str"),
    "FileNotice": ("file", "noticeText", "str"),
    "FileContributor": ("file", "fileContributors", "list"),
    "FileAttributionText": ("file", "attributionTexts", "list"),
    "FileDependency": ("file", "fileDependencies", "list"),
    "SnippetSPDXID": ("snippet", "SPDXID", "start"),
    "LicenseID": ("license", "licenseId", "start"),
    "ExtractedText": ("license", "extractedText", "str"),
    "LicenseName": ("license", "name", "str"),
    "LicenseCrossReference": ("license", "seeAlsos", "list"),
    "LicenseComment": ("license", "comment", "str"),
    "Annotator": ("annotation", "annotator", "start"),
    "AnnotationDate": ("annotation", "annotationDate", "str"),
    "AnnotationType": ("annotation", "annotationType", "str"),
    "AnnotationComment": ("annotation", "comment", "str"),
    "SPDXREF": ("annotation", "", "target"),
    "Reviewer": ("review", "reviewer", "start"),
    "ReviewDate": ("review", "reviewDate", "str"),
    "ReviewComment": ("review", "comment", "str"),
    "Relationship": ("relationship", "", "start"),
    "RelationshipComment": ("relationship", "comment", "str"),
}
_SNIPPET_TAGS = (
    "SnippetFromFileSPDXID", "SnippetByteRange", "SnippetLineRange", "SnippetName",
    "SnippetLicenseConcluded", "LicenseInfoInSnippet", "SnippetLicenseComments",
    "SnippetCopyrightText", "SnippetComment", "SnippetAttributionText",
)  # fmt: skip
TABLE.update(dict.fromkeys(_SNIPPET_TAGS, ("snippet", "", "ignore")))  # detail not kept
_ARRAYS = {
    "package": "packages",
    "file": "files",
    "license": "hasExtractedLicensingInfos",
    "review": "revieweds",
    "relationship": "relationships",
}
_ENTITIES = frozenset({"package", "file", "snippet", "license"})  # sections that own the tags below


class Builder:
    """Assembles the SPDX JSON-shaped dict, remembering which line set which field."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.doc: dict[str, Any] = {}
        self.lines: dict[tuple[str, str], int] = {}
        self.warnings: list[str] = []
        self.snippet_ids: set[str] = set()
        self.files = 0
        self.kind, self.entity, self.ptr = "doc", self.doc, ""
        self.open: dict[str, tuple[dict[str, Any], str]] = {}  # annotation/review/relationship
        self.annotations: list[list[Any]] = []  # [target, annotation, first line]

    def fail(self, message: str, n: int) -> MalformedDocument:
        return MalformedDocument(message, file=self.source, location=f"line {n}")

    def line(self, tag: str, value: str, n: int) -> None:
        spec = TABLE.get(tag)
        if spec is None:
            self.warnings.append(f"line {n}: unknown tag {tag!r} ignored")
            return
        section, key, kind = spec
        if kind == "start":
            self._start(section, key, value, n)
            return
        if section == self.kind:  # fast path: a field of the current package or file
            obj, ptr = self.entity, self.ptr
        else:
            obj, ptr = self._target(section, tag, n)
        if kind == "str":
            if key in obj:
                self.warnings.append(f"line {n}: {tag} given again; the last value is used")
            obj[key] = value
            self.lines[(ptr, key)] = n
        elif kind == "target":
            self.annotations[-1][0] = value
        elif kind != "ignore":
            self._special((obj, ptr), key, kind, value, n)

    def _special(
        self, target: tuple[dict[str, Any], str], key: str, kind: str, value: str, n: int
    ) -> None:
        obj, ptr = target
        if kind == "list":
            self._append(obj, ptr, key, value, n)
        elif kind == "checksum":
            alg, sep, digest = value.partition(":")
            if not sep or not alg.strip() or not digest.strip():
                raise self.fail(f"checksum must be 'ALGORITHM: value', got {value[:60]!r}", n)
            self._append(
                obj, ptr, key, {"algorithm": alg.strip(), "checksumValue": digest.strip()}, n
            )
        elif kind == "extref":
            parts = value.split()
            if len(parts) != 3:
                raise self.fail("ExternalRef must be 'CATEGORY TYPE LOCATOR'", n)
            ref = dict(
                zip(("referenceCategory", "referenceType", "referenceLocator"), parts, strict=True)
            )
            self._append(obj, ptr, key, ref, n)
        elif kind == "extrefcomment":
            if not obj.get(key):
                raise self.fail("ExternalRefComment without an ExternalRef before it", n)
            obj[key][-1]["comment"] = value
        elif kind == "bool":
            if value.lower() not in ("true", "false"):
                raise self.fail(f"FilesAnalyzed must be true or false, got {value[:40]!r}", n)
            obj[key] = value.lower() == "true"
            self.lines[(ptr, key)] = n
        elif kind == "verif":
            code, _, rest = value.partition("(")
            rest = rest.rstrip(")").strip().removeprefix("excludes:")
            verif: dict[str, Any] = {"packageVerificationCodeValue": code.strip()}
            if rest.strip():
                verif["packageVerificationCodeExcludedFiles"] = [x.strip() for x in rest.split(",")]
            obj[key] = verif
            self.lines[(ptr, key)] = n
        else:  # extdoc
            self._append(obj, ptr, key, self._extdoc(value, n), n)

    def _extdoc(self, value: str, n: int) -> dict[str, Any]:
        parts = value.split(None, 2)
        alg, sep, digest = (parts[2] if len(parts) == 3 else "").partition(":")
        if not sep or not digest.strip():
            raise self.fail("ExternalDocumentRef must be 'DocumentRef-ID URI ALGORITHM: value'", n)
        checksum = {"algorithm": alg.strip(), "checksumValue": digest.strip()}
        return {"externalDocumentId": parts[0], "spdxDocument": parts[1], "checksum": checksum}

    def _append(self, obj: dict[str, Any], ptr: str, key: str, value: object, n: int) -> None:
        items = obj.setdefault(key, [])
        if not items:
            self.lines[(ptr, key)] = n
        self.lines[(f"{ptr}/{key}", str(len(items)))] = n
        items.append(value)

    def _start(self, section: str, key: str, value: str, n: int) -> None:
        if section == "relationship":
            parts = value.split()
            if len(parts) != 3:
                raise self.fail("Relationship must be 'SPDXID TYPE SPDXID'", n)
            a, kind, b = parts
            obj: dict[str, Any] = {
                "spdxElementId": a,
                "relationshipType": kind,
                "relatedSpdxElement": b,
            }
        else:
            obj = {key: value}
        if section == "annotation":
            ptr = f"@{len(self.annotations)}"  # re-keyed once the annotation finds its owner
            self.annotations.append([None, obj, n])
        elif section == "snippet":
            ptr = ""
            self.snippet_ids.add(value)
        else:
            items = self.doc.setdefault(_ARRAYS[section], [])
            ptr = f"/{_ARRAYS[section]}/{len(items)}"
            self.lines[(f"/{_ARRAYS[section]}", str(len(items)))] = n
            items.append(obj)
        self.lines[(ptr, key)] = n
        if section in _ENTITIES:
            self.kind, self.entity, self.ptr = section, obj, ptr
            self.files += section == "file"
        else:
            self.open[section] = (obj, ptr)

    def _target(self, section: str, tag: str, n: int) -> tuple[dict[str, Any], str]:
        if section == "doc":
            return self.doc, ""
        if section == "ci":
            if "creationInfo" not in self.doc:
                self.doc["creationInfo"] = {}
                self.lines[("", "creationInfo")] = n
            return self.doc["creationInfo"], "/creationInfo"
        if section == "entity":
            if self.kind not in ("doc", "package", "file"):
                raise self.fail(f"SPDXID inside a {self.kind} section", n)
            return self.entity, self.ptr
        if section in _ENTITIES:
            if self.kind != section:
                raise self.fail(f"{tag} outside a {section} (it follows a {self.kind} tag)", n)
            return self.entity, self.ptr
        if section not in self.open:
            raise self.fail(f"{tag} before the tag that starts its {section}", n)
        return self.open[section]

    def finish(self) -> dict[str, Any]:
        owners: dict[str, tuple[dict[str, Any], str]] = {}
        for array in ("files", "packages"):
            for i, item in enumerate(self.doc.get(array, ())):
                owners.setdefault(item.get("SPDXID", ""), (item, f"/{array}/{i}"))
        owners[self.doc.get("SPDXID", "SPDXRef-DOCUMENT")] = (self.doc, "")
        for k, (target, annotation, n) in enumerate(self.annotations):
            if target in self.snippet_ids:
                continue  # snippets are not kept, nor their annotations
            if target not in owners:
                self.warnings.append(
                    f"line {n}: annotation on unknown element {target}; kept on the document"
                )
            owner, ptr = owners.get(target, (self.doc, ""))
            items = owner.setdefault("annotations", [])
            new = f"{ptr}/annotations/{len(items)}"
            self.lines[(f"{ptr}/annotations", str(len(items)))] = n
            for key in annotation:
                self.lines[(new, key)] = self.lines.pop((f"@{k}", key), n)
            items.append(annotation)
        return self.doc


_HEAD_TAGS = tuple(
    t.encode() + b":"
    for t, (section, _, _) in TABLE.items()
    if section in ("doc", "ci") or t == "SPDXID"
)


@dataclass(frozen=True, slots=True)
class Parsed:
    doc: dict[str, Any]
    lines: dict[tuple[str, str], int]  # (JSON Pointer of the parent, key) → line number
    extra_ids: frozenset[str]  # snippet IDs (snippets are not put into ``doc``)
    warnings: tuple[str, ...]
    files: int
    snippets: int

    def line_of(self, key: tuple[str, str]) -> int | None:
        return self.lines.get(key)

    def locate(self, path: Sequence[str | int]) -> str | None:
        """The line that produced the deepest known prefix of a JSON Pointer path."""
        parts = [str(p) for p in path]
        for k in range(len(parts), 0, -1):
            line = self.lines.get(("".join("/" + p for p in parts[: k - 1]), parts[k - 1]))
            if line:
                return f"line {line}"
        return None


def sniff(head: bytes) -> bool:
    """The first line that is not blank or a ``#`` comment is a document-level tag."""
    for line in head.split(b"\n"):
        s = line.strip()
        if s and not s.startswith(b"#"):
            return s.startswith(_HEAD_TAGS)
    return False


def parse(data: bytes, *, source: str, limits: Limits) -> Parsed:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidEncoding(
            f"invalid UTF-8 at byte {exc.start}", file=source, location=f"line {line}"
        ) from None
    b = Builder(source)
    numbered = enumerate(text.split("\n"), 1)  # one iterator: <text> blocks consume from it too
    for n, raw in numbered:
        s = raw.strip()
        if not s or s[0] == "#":
            continue
        tag, sep, value = s.partition(":")
        if not sep or not tag.isascii() or not tag.isalnum():
            raise MalformedDocument(
                f"expected 'Tag: value', got {s[:60]!r}",
                file=source,
                location=f"line {n}",
                hint="continuation lines belong inside <text>...</text>",
            )
        value = value.strip()
        if value.startswith("<text>"):
            value = _text(value, numbered, n, source)
        if len(value) > limits.max_string:
            raise InputTooLarge(
                f"value of {tag} is {len(value)} characters, over {limits.max_string}",
                file=source,
                location=f"line {n}",
                code="field_too_large",
            )
        b.line(tag, value, n)
    return Parsed(
        b.finish(),
        b.lines,
        frozenset(b.snippet_ids),
        tuple(b.warnings),
        b.files,
        len(b.snippet_ids),
    )


def _text(first: str, numbered: Iterator[tuple[int, str]], start: int, source: str) -> str:
    """The inner text of ``<text>...</text>``, reading further lines from ``numbered``."""
    body = first[6:]
    end = body.find("</text>")
    if end >= 0:
        return body[:end]
    parts = [body]
    for _, raw in numbered:
        line = raw.rstrip("\r")
        end = line.find("</text>")
        if end >= 0:
            parts.append(line[:end])
            return "\n".join(parts).strip("\n")
        parts.append(line)
    raise MalformedDocument(
        "<text> is never closed by </text>", file=source, location=f"line {start}"
    )
