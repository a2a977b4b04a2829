"""Pieces shared by the CycloneDX JSON and XML readers."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hemostat.domain.component import Sbom
from hemostat.errors import SchemaViolation, UnsupportedSpecVersion
from hemostat.ingest import common
from hemostat.ingest.cdx_schema import SUPPORTED_TEXT, short

MAX_DOC_VERSION = 2**31 - 1


def unsupported(shown: str, *, source: str, location: str) -> UnsupportedSpecVersion:
    return UnsupportedSpecVersion(
        f"CycloneDX version {shown} is not supported; supported: {SUPPORTED_TEXT}",
        file=source,
        location=location,
        hint="convert the BOM with cyclonedx-cli: cyclonedx convert --output-version v1_6",
    )


def check_doc_version(version: object, *, source: str, location: str) -> None:
    """The BOM ``version`` must fit a database integer (the schemas only say ``>= 1``)."""
    if type(version) is not int or not 1 <= version <= MAX_DOC_VERSION:
        raise SchemaViolation(
            f"BOM version must be an integer from 1 to {MAX_DOC_VERSION}, "
            f"got {short(repr(version), 40)}",
            file=source,
            location=location,
        )


def normalize_safely(build: Callable[[], Sbom], *, source: str) -> Sbom:
    return common.normalize_safely(build, source=source, code="cyclonedx_unexpected_structure")


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic GC off while a BOM is parsed and normalized: the parsed document holds ~10^6
    containers, and every generation-2 pass walks them all (it doubles the time on 10 MB). Nothing
    here builds reference cycles, so no garbage is left behind for it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
