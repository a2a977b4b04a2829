"""The ingest seam: a reader protocol, a registry keyed by format, format detection and limits."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from hemostat.domain.component import Sbom, SbomFormat
from hemostat.errors import FormatNotRecognized, IngestError, InputTooLarge, InvalidEncoding

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits (RELIABILITY.md §2.0). All configurable via HEMOSTAT_LIMIT_* settings."""

    max_bytes: int = 64 * MiB
    max_decompressed_bytes: int = 256 * MiB
    max_components: int = 200_000
    max_depth: int = 128
    max_string: int = 1 * MiB


class SbomReader(Protocol):
    """One SBOM format. ``sniff`` looks at the first KiB; ``read`` parses, validates, normalizes."""

    format: SbomFormat

    def sniff(self, head: bytes) -> bool: ...

    def read(self, data: bytes, *, source: str, limits: Limits, sha256: str) -> Sbom: ...


_REGISTRY: dict[SbomFormat, Callable[[], SbomReader]] = {}


def register(fmt: SbomFormat, factory: Callable[[], SbomReader]) -> None:
    _REGISTRY[fmt] = factory


def readers() -> dict[SbomFormat, SbomReader]:
    _load_builtin()
    return {fmt: factory() for fmt, factory in _REGISTRY.items()}


def _load_builtin() -> None:
    # Imported lazily so that importing the package stays cheap and free of cycles.
    from hemostat.ingest import cyclonedx, spdx, spdx3  # noqa: F401, PLC0415


def decode_envelope(data: bytes, *, source: str, limits: Limits) -> bytes:
    """Undo gzip (counting real bytes against the cap) and strip a UTF-8 BOM; decode UTF-16."""
    if len(data) > limits.max_bytes:
        raise InputTooLarge(
            f"input is {len(data)} bytes, over the {limits.max_bytes}-byte limit",
            file=source,
            hint="raise HEMOSTAT_LIMIT_MAX_BYTES if this SBOM is genuine",
        )
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, source=source, cap=limits.max_decompressed_bytes)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidEncoding(
                f"invalid UTF-16 at byte {exc.start}", file=source, location=f"byte {exc.start}"
            ) from None
    return data


def _gunzip(data: bytes, *, source: str, cap: int) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, cap + 1)
    except zlib.error as exc:
        raise IngestError(f"corrupt gzip stream: {exc}", file=source, code="bad_gzip") from None
    if len(out) > cap or d.unconsumed_tail:
        raise InputTooLarge(
            f"decompresses to more than {cap} bytes",
            file=source,
            code="decompressed_too_large",
            hint="raise HEMOSTAT_LIMIT_MAX_DECOMPRESSED_BYTES if this SBOM is genuine",
        )
    if not d.eof:
        raise IngestError("truncated gzip stream", file=source, code="bad_gzip")
    return out


def detect_format(data: bytes, *, source: str = "<input>") -> SbomFormat:
    head = data[:4096].lstrip()
    for fmt, reader in readers().items():
        if reader.sniff(head):
            return fmt
    raise FormatNotRecognized(
        "not a CycloneDX (JSON/XML) or SPDX (JSON/tag-value) document",
        file=source,
        location="start of file",
        hint="Hemostat reads CycloneDX 1.2–1.6 JSON/XML, SPDX 2.2/2.3 JSON and tag-value, SPDX 3.0",
    )


def read(data: bytes, *, source: str = "<input>", limits: Limits | None = None) -> Sbom:
    """Detect, validate and normalize one SBOM. Raises only ``IngestError`` subclasses."""
    limits = limits or Limits()
    sha256 = hashlib.sha256(data).hexdigest()
    body = decode_envelope(data, source=source, limits=limits)
    fmt = detect_format(body, source=source)
    reader = readers()[fmt]
    try:
        sbom = reader.read(body, source=source, limits=limits, sha256=sha256)
    except IngestError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise IngestError(
            f"document too deeply nested or too large to parse ({type(exc).__name__})",
            file=source,
            code="input_too_deep",
        ) from None
    if len(sbom.components) > limits.max_components:
        raise InputTooLarge(
            f"{len(sbom.components)} components, over the limit of {limits.max_components}",
            file=source,
            code="sbom_too_large",
            hint="raise HEMOSTAT_LIMIT_MAX_COMPONENTS if this SBOM is genuine",
        )
    # Keep the bytes exactly as received (before gunzip), so the stored hash matches the file.
    return replace(sbom, raw=data)


def read_path(path: Path, *, limits: Limits | None = None) -> Sbom:
    limits = limits or Limits()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", file=str(path), code="io") from None
    if size > limits.max_bytes:
        raise InputTooLarge(
            f"file is {size} bytes, over the {limits.max_bytes}-byte limit",
            file=str(path),
            hint="raise HEMOSTAT_LIMIT_MAX_BYTES if this SBOM is genuine",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", file=str(path), code="io") from None
    return read(data, source=str(path), limits=limits)


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (mtime 0), used by tests and exports."""
    return gzip.compress(data, mtime=0)
