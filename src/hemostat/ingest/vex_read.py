"""``read_vex(data, source=)``: any VEX document -> ``VexDocument``, the format auto-detected.

CycloneDX (``bomFormat``) VEX/VDR, OpenVEX 0.0.1/0.2.0 (``@context`` under openvex.dev) and
CSAF 2.0 (``document.csaf_version`` 2.0). Bad input raises ``IngestError`` subclasses naming the
file, the location and what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hemostat.domain.vex import VexDocument
from hemostat.errors import FormatNotRecognized, MalformedDocument, UnsupportedSpecVersion
from hemostat.ingest.cyclonedx import load_json
from hemostat.ingest.reader import Limits, decode_envelope
from hemostat.ingest.vex_csaf import read_csaf_vex
from hemostat.ingest.vex_cyclonedx import read_cyclonedx_vex
from hemostat.ingest.vex_openvex import read_openvex

OPENVEX_CONTEXTS = ("https://openvex.dev/ns",)
_CDX_VERSIONS = ("1.4", "1.5", "1.6")


def read_vex(data: bytes, *, source: str = "<input>", limits: Limits | None = None) -> VexDocument:
    raw = decode_envelope(data, source=source, limits=limits or Limits())
    doc = load_json(raw, source=source)
    if not isinstance(doc, dict):
        raise MalformedDocument(
            "a VEX document is a JSON object", file=source, hint="check the file is VEX JSON"
        )
    if "bomFormat" in doc:
        _require(
            doc.get("specVersion") in _CDX_VERSIONS, "CycloneDX", doc.get("specVersion"), source
        )
        return read_cyclonedx_vex(doc, source)
    context = doc.get("@context")
    if isinstance(context, str) and context.startswith(OPENVEX_CONTEXTS):
        _require(context.rstrip("/").rsplit("/", 1)[-1] in _OPENVEX_OK, "OpenVEX", context, source)
        return read_openvex(doc, source)
    if isinstance(doc.get("document"), dict):
        version = _csaf_version(doc["document"])
        _require(version == "2.0", "CSAF", version, source)
        return read_csaf_vex(doc, source)
    raise FormatNotRecognized(
        "not a VEX document",
        file=source,
        hint="Hemostat reads CycloneDX 1.4-1.6 VEX/VDR, OpenVEX 0.0.1/0.2.0 and CSAF 2.0",
    )


_OPENVEX_OK = ("ns", "v0.0.1", "v0.2.0")


def _csaf_version(document: Mapping[str, Any]) -> Any:
    return document.get("csaf_version")


def _require(ok: bool, fmt: str, version: object, source: str) -> None:
    if not ok:
        raise UnsupportedSpecVersion(
            f"{fmt} version {str(version)[:60]!r} is not supported",
            file=source,
            hint="Hemostat reads CycloneDX 1.4-1.6, OpenVEX 0.0.1/0.2.0 and CSAF 2.0",
        )
