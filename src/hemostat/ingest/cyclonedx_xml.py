"""CycloneDX 1.2-1.6 XML reader, hardened against hostile XML (RELIABILITY.md §2.2).

* A DOCTYPE (and so any ENTITY) in the prolog is refused before the parser sees a byte; a DOCTYPE
  that reached the tree anyway (an exotic encoding) is refused after parsing. No entity is ever
  expanded, no DTD or external resource loaded, XInclude and ``xsi:schemaLocation`` are ignored.
* libxml2's own limits apply (``huge_tree`` off): 256 levels of nesting, 10 MB text nodes.
* The version comes from the namespace; 1.4-1.6 are validated against the bundled XSDs, 1.2/1.3
  structurally (no XSD bundled), with a warning saying so.
"""

from __future__ import annotations

import re

from lxml import etree

from hemostat.domain.component import Sbom, SbomFormat
from hemostat.errors import (
    ForbiddenXml,
    FormatNotRecognized,
    IngestError,
    InputTooDeep,
    InvalidEncoding,
    MalformedDocument,
    SchemaViolation,
)
from hemostat.ingest.cdx_common import (
    check_doc_version,
    gc_paused,
    normalize_safely,
    unsupported,
)
from hemostat.ingest.cdx_normalize import Context, build_sbom
from hemostat.ingest.cdx_schema import SUPPORTED_VERSIONS, short
from hemostat.ingest.cdx_xmlmap import XmlMap
from hemostat.ingest.cdx_xsd import XSD_VERSIONS, local_path, validate_xml
from hemostat.ingest.reader import Limits, register

NS_PREFIX = "http://cyclonedx.org/schema/bom/"
_WS = re.compile(rb"\s*")
# The root start tag, prefixed or not, declaring a CycloneDX namespace (any version, so that
# unsupported versions get a precise refusal rather than "format not recognized").
_ROOT = re.compile(
    rb"<(?:[\w.-]+:)?bom\b[^>]*?\sxmlns(?::[\w.-]+)?\s*=\s*[\"']http://cyclonedx\.org/schema/bom/"
)
_DECLARED = re.compile(rb"\A\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]{1,40})[\"']")
# Encodings that keep markup ASCII (so the DOCTYPE scan sees it); UTF-16 arrives as UTF-8 from
# reader.decode_envelope, so its declaration is overridden.
_AS_UTF8 = frozenset({"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be"})
_BYTE_ENCODINGS = frozenset(
    {"us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "windows-1252"}
)


def refuse_dtd(data: bytes, *, source: str) -> None:
    """Walk the prolog (declaration, PIs, comments); a DOCTYPE there is refused."""
    pos, n = 0, len(data)
    while pos < n:
        pos = _WS.match(data, pos).end()  # type: ignore[union-attr]  # \s* always matches
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
        elif data[pos : pos + 9].upper() in (b"<!DOCTYPE", b"<!ENTITY "):
            raise ForbiddenXml(
                "XML document type declarations (DTDs, entities) are not accepted",
                file=source,
                location=f"byte {pos}",
                hint="remove the <!DOCTYPE …> block; CycloneDX XML never needs one",
            )
        else:
            return
        if end < 0:
            return  # unterminated: the parser reports it as malformed
        pos = end + 2 if data[end] == ord("?") else end + 3


def _parser_encoding(data: bytes, *, source: str) -> str | None:
    m = _DECLARED.match(data[:200])
    declared = m.group(1).decode("ascii").lower() if m else "utf-8"
    if declared in _AS_UTF8:
        return "utf-8"
    if declared in _BYTE_ENCODINGS:
        return None
    raise InvalidEncoding(
        f"XML encoding {declared!r} is not accepted (UTF-8, UTF-16, ASCII or Latin-1 only)",
        file=source,
        location="XML declaration",
    )


def _syntax_error(exc: etree.XMLSyntaxError, source: str) -> IngestError:
    msg = str(exc.msg or exc)
    line, col = exc.position or (0, 0)
    where = f"line {line} column {col}"
    if "Excessive depth" in msg:
        return InputTooDeep(
            "XML nested more than 256 levels deep", file=source, location=where, code="too_deep"
        )
    if "huge" in msg.lower():
        return IngestError(
            f"XML token too large: {short(msg)}",
            file=source,
            location=where,
            code="field_too_large",
        )
    if "UTF-8" in msg or "encoding" in msg.lower() or "Char 0x" in msg:
        return InvalidEncoding(f"invalid encoding: {short(msg)}", file=source, location=where)
    return MalformedDocument(f"not well-formed XML: {short(msg)}", file=source, location=where)


def parse(data: bytes, *, source: str) -> etree._Element:
    refuse_dtd(data, source=source)
    parser = etree.XMLParser(
        encoding=_parser_encoding(data, source=source),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    except (etree.Error, ValueError) as exc:
        raise MalformedDocument(f"not parseable XML: {short(str(exc))}", file=source) from None
    docinfo = root.getroottree().docinfo
    system_url = docinfo.system_url  # type: ignore[union-attr]  # the stubs call it system_id
    if docinfo.internalDTD is not None or system_url or docinfo.public_id:
        raise ForbiddenXml("XML document type declarations are not accepted", file=source)
    return root


def check_strings(root: etree._Element, data: bytes, *, limit: int, source: str) -> None:
    """``field_too_large`` for a text or attribute longer than ``limit`` characters."""
    if len(data) <= limit:
        return
    # Fast path: text and attribute values cannot contain a raw '<' (CDATA aside), and bytes
    # bound characters from above, so short '<'-free runs prove every field is short.
    if b"<![CDATA[" not in data and max(map(len, data.split(b"<"))) <= limit:
        return
    for el in root.iter():
        values = [el.text or "", el.tail or "", *el.attrib.values()]
        if any(len(v) > limit for v in values):
            raise IngestError(
                f"a text or attribute value is longer than {limit} characters",
                file=source,
                location=local_path(el),
                code="field_too_large",
                hint="raise HEMOSTAT_LIMIT_MAX_STRING if this SBOM is genuine",
            )


def spec_version(root: etree._Element, *, source: str) -> str:
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    if not namespace.startswith(NS_PREFIX):
        raise FormatNotRecognized(
            f"root element {short(root.tag if isinstance(root.tag, str) else '?', 80)} is not "
            "in a CycloneDX namespace",
            file=source,
            location="/*[1]",
        )
    version = namespace[len(NS_PREFIX) :]
    if version not in SUPPORTED_VERSIONS:
        raise unsupported(repr(short(version, 40)), source=source, location="/*[1] (xmlns)")
    if qname.localname != "bom":
        raise SchemaViolation(
            f"root element is <{short(qname.localname, 40)}>, not <bom>",
            file=source,
            location="/*[1]",
        )
    return version


class CycloneDxXmlReader:
    format = SbomFormat.CYCLONEDX_XML

    def sniff(self, head: bytes) -> bool:
        h = head.lstrip()
        return h[:1] == b"<" and _ROOT.search(h) is not None

    def read(self, data: bytes, *, source: str, limits: Limits, sha256: str) -> Sbom:
        with gc_paused():
            return self._read(data, source=source, limits=limits, sha256=sha256)

    def _read(self, data: bytes, *, source: str, limits: Limits, sha256: str) -> Sbom:
        root = parse(data, source=source)
        version = spec_version(root, source=source)
        ctx = Context(source, limits.max_depth, limits.max_components)
        if version in XSD_VERSIONS:
            validate_xml(root, version, source=source)
        else:
            ctx.warnings.append(
                f"no XSD for CycloneDX {version} XML is bundled: checked structure only "
                "(component names and types, dependency refs)"
            )
        check_strings(root, data, limit=limits.max_string, source=source)
        mapper = XmlMap(
            NS_PREFIX + version, source=source, strict_types=version not in XSD_VERSIONS
        )
        doc = mapper.bom(root)
        check_doc_version(doc["version"], source=source, location="/*[1]/@version")
        fmt = self.format
        return normalize_safely(
            lambda: build_sbom(
                doc, fmt=fmt, spec_version=version, sha256=sha256, raw=data, ctx=ctx
            ),
            source=source,
        )


register(SbomFormat.CYCLONEDX_XML, CycloneDxXmlReader)
