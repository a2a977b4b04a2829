"""The export seam: renderers keyed by a stable format name, ``render(fmt, sbom) -> bytes``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hemostat.domain.component import Sbom
from hemostat.errors import UsageError
from hemostat.report import cyclonedx, cyclonedx_xml, spdx


@dataclass(frozen=True, slots=True)
class Exporter:
    """One output format: the pure renderer plus what an adapter needs to serve its bytes."""

    render: Callable[[Sbom], bytes]
    media_type: str
    suffix: str


_REGISTRY: dict[str, Exporter] = {
    "cyclonedx-json": Exporter(
        cyclonedx.render, "application/vnd.cyclonedx+json; version=1.6", ".cdx.json"
    ),
    "cyclonedx-xml": Exporter(
        cyclonedx_xml.render, "application/vnd.cyclonedx+xml; version=1.6", ".cdx.xml"
    ),
    "spdx-json": Exporter(spdx.render, "application/spdx+json", ".spdx.json"),
}


def register(fmt: str, exporter: Exporter) -> None:
    _REGISTRY[fmt] = exporter


def formats() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def exporter(fmt: str) -> Exporter:
    try:
        return _REGISTRY[fmt]
    except KeyError:
        choices = ", ".join(formats())
        raise UsageError(
            f"unknown export format {fmt!r}",
            code="unknown_export_format",
            hint=f"choose one of: {choices}",
        ) from None


def render(fmt: str, sbom: Sbom) -> bytes:
    """Render ``sbom`` as ``fmt``; an unknown ``fmt`` raises ``UsageError`` naming the choices."""
    return exporter(fmt).render(sbom)
