"""Golden-file comparison: ``assert_snapshot(path, data)``.

A snapshot is compared byte-for-byte. It is (re)written only when ``HEMOSTAT_UPDATE_SNAPSHOTS=1``
is set; a missing snapshot fails otherwise, so CI never silently accepts new output.
Import it from any test as ``from snapshot_util import assert_snapshot`` (tests/ is on sys.path
because tests/conftest.py lives there).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE_ENV = "HEMOSTAT_UPDATE_SNAPSHOTS"


def assert_snapshot(path: str | Path, data: bytes) -> None:
    """Compare ``data`` with the golden file ``path`` (relative paths are under tests/snapshots)."""
    target = Path(path)
    if not target.is_absolute():
        target = SNAPSHOTS / target
    if os.environ.get(UPDATE_ENV) == "1":
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        return
    if not target.exists():
        pytest.fail(f"snapshot {target} is missing; run with {UPDATE_ENV}=1 to create it")
    expected = target.read_bytes()
    if expected != data:
        pytest.fail(f"output differs from snapshot {target}:\n{_diff(expected, data)}")


def _diff(expected: bytes, actual: bytes, limit: int = 60) -> str:
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(),
        actual.decode("utf-8", "replace").splitlines(),
        "snapshot",
        "actual",
        lineterm="",
    )
    out = list(lines)
    more = f"\n... {len(out) - limit} more diff lines" if len(out) > limit else ""
    return "\n".join(out[:limit]) + more + f"\n(set {UPDATE_ENV}=1 to accept the new output)"
