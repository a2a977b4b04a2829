"""The threat output registry: stable names, dispatch, and helpful errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from threat_support import sample_analysis

from hemostat.domain.threat import ThreatAnalysis
from hemostat.errors import UsageError
from hemostat.report import threat_json, threat_summary, threat_svg, threat_trace
from hemostat.report.threat_registry import (
    render_threat,
    render_view,
    threat_formats,
    threat_renderer,
    views,
)


def test_format_and_view_names_are_stable() -> None:
    assert threat_formats() == ("json", "summary-html", "summary-md", "trace-csv", "trace-html")
    assert views() == (
        "dfd",
        "global_system",
        "multi_patient_harm",
        "updatability_patchability",
        "security_use_case",
    )


@pytest.mark.parametrize(
    ("fmt", "fn"),
    [
        ("summary-md", threat_summary.render_markdown),
        ("summary-html", threat_summary.render_html),
        ("trace-csv", threat_trace.render_csv),
        ("trace-html", threat_trace.render_html),
        ("json", threat_json.render),
    ],
)
def test_render_threat_dispatches(fmt: str, fn: Callable[[ThreatAnalysis], bytes]) -> None:
    assert render_threat(fmt, sample_analysis()) == fn(sample_analysis())


def test_render_view_dispatches() -> None:
    a = sample_analysis()
    assert render_view("dfd", a) == threat_svg.render_view("dfd", a)


def test_unknown_format_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(UsageError) as info:
        render_threat("pdf", sample_analysis())
    assert "pdf" in info.value.message
    assert info.value.hint is not None
    assert all(fmt in info.value.hint for fmt in threat_formats())


def test_renderers_carry_media_type_and_suffix() -> None:
    assert threat_renderer("trace-csv").media_type.startswith("text/csv")
    assert threat_renderer("json").suffix == ".threat-analysis.json"
