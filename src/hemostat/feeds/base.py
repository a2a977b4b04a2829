"""The feed seam: a reader protocol, a registry keyed by feed kind, auto-detection, and capped
access to the bytes of a file, a gzip file, a directory tree or a zip archive (read in memory)."""

from __future__ import annotations

import importlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Protocol

from hemostat.domain.vulnerability import FeedBatch, FeedKind
from hemostat.errors import FeedError

MiB = 1024 * 1024
HEAD_BYTES = 8192
SNIFF_CANDIDATES = 50  # files looked at when detecting the kind of a directory or zip
FEED_SUFFIXES = (".json", ".yaml", ".yml", ".csv", ".csv.gz", ".json.gz")


@dataclass(frozen=True, slots=True)
class FeedLimits:
    """Caps for feed sources (RELIABILITY.md §2.5, §2.8). Feeds are bigger than SBOMs: osv.dev's
    npm ``all.zip`` is ~210 MB with ~200k members, so these are larger than the ingest limits."""

    max_file_bytes: int = 1024 * MiB
    max_decompressed_bytes: int = 512 * MiB
    max_members: int = 500_000
    max_member_bytes: int = 32 * MiB
    max_total_bytes: int = 4096 * MiB


DEFAULT_LIMITS = FeedLimits()


class FeedReader(Protocol):
    """One feed format. ``sniff`` sees a file name and its first bytes (gzip already undone);
    ``read`` takes a file, directory or zip as the feed allows. Unreadable sources raise
    ``FeedError``; bad records become ``Quarantined`` entries of the batch."""

    @property
    def kind(self) -> FeedKind: ...  # read-only, so frozen dataclass readers conform

    def sniff(self, name: str, head: bytes) -> bool: ...

    def read(self, path: Path) -> FeedBatch: ...


_REGISTRY: dict[FeedKind, FeedReader] = {}
_BUILTIN = ("kev", "epss", "osv", "nvd", "csaf")  # detection order: most specific sniffers first


def register(reader: FeedReader) -> None:
    _REGISTRY[reader.kind] = reader


def readers() -> dict[FeedKind, FeedReader]:
    _load_builtin()
    return dict(_REGISTRY)


def _load_builtin() -> None:
    # Imported lazily (each module registers itself) so that importing hemostat.feeds stays cheap;
    # a reader module that is not written yet is simply absent.
    for name in _BUILTIN:
        module = f"hemostat.feeds.{name}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def read_feed(path: Path, *, kind: FeedKind | None = None) -> FeedBatch:
    """Read one feed source (file, ``.gz``, directory or zip), detecting its kind unless given."""
    if not path.exists():
        raise FeedError("no such file or directory", file=str(path))
    registry = readers()
    chosen = kind if kind is not None else detect_feed(path)
    reader = registry.get(chosen)
    if reader is None:
        raise FeedError(f"no reader for {chosen.value} feeds is installed", file=str(path))
    try:
        return reader.read(path)
    except (RecursionError, MemoryError) as exc:
        raise FeedError(
            f"feed too deeply nested or too large to parse ({type(exc).__name__})", file=str(path)
        ) from None
    except OSError as exc:
        raise FeedError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def detect_feed(path: Path) -> FeedKind:
    """The kind of the first sample file (or zip member) that some registered reader claims."""
    registry = readers()
    for name, head in _samples(path):
        for kind, reader in registry.items():
            if reader.sniff(name, head):
                return kind
    raise FeedError(
        "not a recognised vulnerability feed",
        file=str(path),
        hint="Hemostat reads CISA KEV JSON, FIRST EPSS CSV(.gz), OSV JSON/YAML (file, folder, "
        "all.zip), NVD CVE API 2.0 JSON and CSAF 2.0; pass the kind explicitly if detection fails",
    )


def _samples(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for file in islice(iter_files(path, FEED_SUFFIXES), SNIFF_CANDIDATES):
            yield file.name, head_of(file)
    elif zipfile.is_zipfile(path):
        members = iter_zip(path, FEED_SUFFIXES, DEFAULT_LIMITS, head_only=True)
        for member in islice(members, SNIFF_CANDIDATES):
            yield member.name, member.data
    else:
        yield path.name, head_of(path)


def head_of(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first bytes of a file with gzip undone and a UTF-8 BOM and leading blanks removed."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(size)
    except OSError as exc:
        raise FeedError(f"cannot read: {exc.strerror}", file=str(path)) from None
    return _clean_head(raw, size)


def _clean_head(raw: bytes, size: int) -> bytes:
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, size)
        except zlib.error:
            return b""
    return raw.removeprefix(b"\xef\xbb\xbf").lstrip()


def iter_files(root: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Files under ``root`` (sorted, hidden files and folders skipped) whose name ends with one
    of ``suffixes``; symlinks are not followed out of the tree."""
    for file in sorted(root.rglob("*")):
        rel = file.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or file.is_symlink():
            continue
        if file.is_file() and file.name.lower().endswith(suffixes):
            yield file


def read_bytes(path: Path, limits: FeedLimits = DEFAULT_LIMITS) -> bytes:
    """A whole file, size-capped, with gzip undone (counting real bytes against the cap)."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise FeedError(
                f"file is {size} bytes, over the {limits.max_file_bytes}-byte limit",
                file=str(path),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise FeedError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, source=str(path), cap=limits.max_decompressed_bytes)
    if not data.strip():
        raise FeedError("file is empty", file=str(path))
    return data.removeprefix(b"\xef\xbb\xbf")


def gunzip(data: bytes, *, source: str, cap: int) -> bytes:
    """Decompress one gzip stream, refusing more than ``cap`` output bytes (gzip bombs)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, cap + 1)
    except zlib.error as exc:
        raise FeedError(f"corrupt gzip stream: {exc}", file=source) from None
    if len(out) > cap or d.unconsumed_tail:
        raise FeedError(f"decompresses to more than {cap} bytes", file=source)
    if not d.eof:
        raise FeedError("truncated gzip stream", file=source)
    return out


@dataclass(frozen=True, slots=True)
class Member:
    """One file of a directory or zip: its bytes, or why they could not be read."""

    name: str
    data: bytes
    problem: str = ""


def iter_zip(
    path: Path, suffixes: tuple[str, ...], limits: FeedLimits, *, head_only: bool = False
) -> Iterator[Member]:
    """Members of a zip read in memory (never extracted, so member paths do not matter), with
    the member count, declared sizes and the bytes actually inflated all capped."""
    source = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            _check_zip_declared(infos, limits, source)
            total = 0
            for info in infos:
                if not info.filename.lower().endswith(suffixes):
                    continue
                member = _read_member(zf, info, limits, head_only=head_only)
                total += len(member.data)
                if total > limits.max_total_bytes:
                    raise FeedError(
                        f"zip inflates to more than {limits.max_total_bytes} bytes", file=source
                    )
                yield member
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise FeedError(f"corrupt zip archive: {exc}", file=source) from None


def _check_zip_declared(infos: list[zipfile.ZipInfo], limits: FeedLimits, source: str) -> None:
    if len(infos) > limits.max_members:
        raise FeedError(
            f"zip has {len(infos)} members, over the limit of {limits.max_members}", file=source
        )
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_total_bytes:
        raise FeedError(
            f"zip declares {declared} bytes, over the {limits.max_total_bytes}-byte limit",
            file=source,
        )


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: FeedLimits, *, head_only: bool
) -> Member:
    cap = HEAD_BYTES if head_only else limits.max_member_bytes
    if info.file_size > limits.max_member_bytes and not head_only:
        return Member(info.filename, b"", f"member declares {info.file_size} bytes, over the cap")
    try:
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
        return Member(info.filename, b"", f"unreadable zip member: {exc}")
    if head_only:
        return Member(info.filename, _clean_head(data[:cap], cap))
    if len(data) > cap:
        return Member(info.filename, b"", f"member inflates to more than {cap} bytes")
    return Member(info.filename, data.removeprefix(b"\xef\xbb\xbf"))


def iter_documents(
    path: Path, suffixes: tuple[str, ...], limits: FeedLimits = DEFAULT_LIMITS
) -> Iterator[Member]:
    """Every document of a source: the file itself, each matching file of a directory tree, or
    each matching member of a zip. Per-document problems are reported on the ``Member``."""
    if path.is_dir():
        for file in iter_files(path, suffixes):
            try:
                yield Member(str(file.relative_to(path)), read_bytes(file, _member_limits(limits)))
            except FeedError as exc:
                yield Member(str(file.relative_to(path)), b"", exc.message)
    elif zipfile.is_zipfile(path):
        yield from iter_zip(path, suffixes, limits)
    else:
        yield Member(path.name, read_bytes(path, limits))


def _member_limits(limits: FeedLimits) -> FeedLimits:
    cap = limits.max_member_bytes
    return FeedLimits(max_file_bytes=cap, max_decompressed_bytes=cap)


def parse_timestamp(value: object) -> datetime:
    """RFC 3339 / ISO 8601 leniently (any fraction digits, ``Z`` or ``+0000``, date only); naive
    values are taken as UTC. Raises ``ValueError`` for anything else."""
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def pick_file(path: Path, reader: FeedReader, suffixes: tuple[str, ...]) -> Path:
    """For single-document feeds given a folder: the one file in it the reader claims."""
    if not path.is_dir():
        return path
    claimed = [f for f in iter_files(path, suffixes) if reader.sniff(f.name, head_of(f))]
    if len(claimed) != 1:
        raise FeedError(
            f"expected one {reader.kind.value} file in the folder, found {len(claimed)}",
            file=str(path),
            hint="pass the file itself",
        )
    return claimed[0]
