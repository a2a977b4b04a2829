"""Shared fixtures: real data from ../shared/data unpacked once per session."""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

# Rich fixes a console's width when it is created: make CLI output the same in every test order.
os.environ["COLUMNS"] = "200"

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("HEMOSTAT_SHARED_DATA", ROOT.parent / "shared" / "data"))
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def shared_data(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``shared_data("spdx-examples")`` -> folder with that set unpacked (once per session)."""
    cache: dict[str, Path] = {}
    base = tmp_path_factory.mktemp("shared-data")

    def get(name: str) -> Path:
        if name not in cache:
            archive = SHARED_DATA / f"{name}.tar.gz"
            if not archive.exists():
                pytest.skip(f"{archive} not present (the shared data folder is missing)")
            with tarfile.open(archive) as tar:
                tar.extractall(base, filter="data")
            cache[name] = base / name
        return cache[name]

    return get
