"""The threat-model output seam: ``render_threat(fmt, analysis)``, ``render_view(view, analysis)``.

Kept apart from ``report.registry`` (which renders SBOMs): these renderers take a
``ThreatAnalysis``. Each format carries its media type and file suffix for adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hemostat.domain.threat import ThreatAnalysis
from hemostat.errors import UsageError
from hemostat.report import threat_json, threat_summary, threat_svg, threat_trace
from hemostat.report.threat_views import VIEWS


@dataclass(frozen=True, slots=True)
class ThreatRenderer:
    render: Callable[[ThreatAnalysis], bytes]
    media_type: str
    suffix: str


_FORMATS: dict[str, ThreatRenderer] = {
    "summary-md": ThreatRenderer(
        threat_summary.render_markdown, "text/markdown; charset=utf-8", ".threat-model.md"
    ),
    "summary-html": ThreatRenderer(
        threat_summary.render_html, "text/html; charset=utf-8", ".threat-model.html"
    ),
    "trace-csv": ThreatRenderer(
        threat_trace.render_csv, "text/csv; charset=utf-8; header=present", ".trace.csv"
    ),
    "trace-html": ThreatRenderer(
        threat_trace.render_html, "text/html; charset=utf-8", ".trace.html"
    ),
    "json": ThreatRenderer(threat_json.render, "application/json", ".threat-analysis.json"),
}
SVG_MEDIA_TYPE = "image/svg+xml"


def threat_formats() -> tuple[str, ...]:
    return tuple(sorted(_FORMATS))


def views() -> tuple[str, ...]:
    return VIEWS


def threat_renderer(fmt: str) -> ThreatRenderer:
    try:
        return _FORMATS[fmt]
    except KeyError:
        raise UsageError(
            f"unknown threat-model output format {fmt!r}",
            code="unknown_threat_format",
            hint="choose one of: " + ", ".join(threat_formats()),
        ) from None


def render_threat(fmt: str, analysis: ThreatAnalysis) -> bytes:
    """Render ``analysis`` as ``fmt``; an unknown ``fmt`` raises ``UsageError`` naming choices."""
    return threat_renderer(fmt).render(analysis)


def render_view(
    view: str, analysis: ThreatAnalysis, selection: frozenset[str] | None = None
) -> bytes:
    """One architecture view as SVG. ``selection`` (element and flow ids) scopes the use-case
    view; by default it shows the flows carrying therapy_command or alarm data."""
    return threat_svg.render_view(view, analysis, selection)
