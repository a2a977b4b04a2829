"""The bundled offline snapshot: ``hemostat/data/feeds/manifest.json`` plus one gzip'd msgpack
FeedBatch per set, written by ``tools/build_snapshot.py`` and loaded by ``ensure_bundled``.

msgpack of the domain dataclasses (msgspec) is both compact and the fastest way back to typed
values: the bundled load decodes straight into FeedBatch, no reader runs on the user's machine."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable

import msgspec

from hemostat.domain.vulnerability import FeedBatch, FeedKind
from hemostat.errors import FeedError

MANIFEST = "manifest.json"
FORMAT = 1
_BATCH = msgspec.msgpack.Decoder(FeedBatch)
_ENCODER = msgspec.msgpack.Encoder()


@dataclass(frozen=True, slots=True)
class BundledSet:
    name: str  # e.g. "osv-pypi"
    file: str  # e.g. "osv-pypi.msgpack.gz"
    kind: FeedKind
    feed: str  # the feed family it fills, e.g. "osv:PyPI"
    source: str  # where it was built from, relative to ../shared/data
    snapshot: date
    records: int
    quarantined: int
    sha256: str  # of the .msgpack.gz file
    bytes: int
    licence: str
    attribution: str = ""


@dataclass(frozen=True, slots=True)
class Manifest:
    format: int
    sets: tuple[BundledSet, ...]


def bundle_dir() -> Traversable:
    return resources.files("hemostat") / "data" / "feeds"


def read_manifest(root: Traversable | None = None) -> Manifest:
    """The manifest of the bundled snapshot; an empty one when the package ships none."""
    path = (root or bundle_dir()) / MANIFEST
    if not path.is_file():
        return Manifest(FORMAT, ())
    try:
        manifest = msgspec.json.decode(path.read_bytes(), type=Manifest)
    except msgspec.DecodeError as exc:
        raise FeedError(f"bundled snapshot manifest is damaged: {exc}", file=str(path)) from None
    if manifest.format != FORMAT:
        raise FeedError(
            f"bundled snapshot format {manifest.format} is not {FORMAT}", file=str(path)
        )
    return manifest


def read_set(entry: BundledSet, root: Traversable | None = None) -> FeedBatch:
    """Decode one bundled set, refusing a file whose checksum differs from the manifest."""
    path = (root or bundle_dir()) / entry.file
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise FeedError(
            "bundled snapshot file does not match its manifest checksum",
            file=str(path),
            hint="reinstall Hemostat or rebuild the snapshot with tools/build_snapshot.py",
        )
    return _BATCH.decode(gzip.decompress(data))


def encode_set(batch: FeedBatch) -> bytes:
    """Deterministic bytes for a set: msgpack of the batch, gzip with a zero timestamp."""
    return gzip.compress(_ENCODER.encode(batch), compresslevel=9, mtime=0)


def encode_manifest(manifest: Manifest) -> bytes:
    return msgspec.json.format(msgspec.json.encode(manifest), indent=2) + b"\n"
