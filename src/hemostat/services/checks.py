"""Stateless SBOM use cases (no database): read with the configured limits, check completeness."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from hemostat import ingest
from hemostat.assess.completeness import check as completeness_check
from hemostat.assess.completeness import report_to_dict
from hemostat.config import Settings, get_settings
from hemostat.domain.component import Sbom


@contextmanager
def paused_gc() -> Iterator[None]:
    """Bulk work allocates millions of objects that live on; cyclic GC passes only cost time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def limits_from(settings: Settings | None = None) -> ingest.Limits:
    s = settings or get_settings()
    return ingest.Limits(
        max_bytes=s.limit_max_bytes,
        max_decompressed_bytes=s.limit_max_decompressed_bytes,
        max_components=s.limit_max_components,
        max_depth=s.limit_max_depth,
        max_string=s.limit_max_string,
    )


def read_file(path: Path, *, settings: Settings | None = None) -> Sbom:
    return ingest.read_path(path, limits=limits_from(settings))


def check_file(
    path: Path, *, today: date | None = None, settings: Settings | None = None
) -> tuple[Sbom, dict[str, Any]]:
    """Read and validate one SBOM and report its completeness (nothing is stored)."""
    with paused_gc():
        sbom = read_file(path, settings=settings)
        return sbom, report_to_dict(completeness_check(sbom, today=today))
