"""The export registry: stable format names, dispatch, and a helpful error for unknown names."""

from __future__ import annotations

import pytest
from export_support import sample_sbom

from hemostat import report
from hemostat.errors import UsageError
from hemostat.report import cyclonedx, cyclonedx_xml, spdx


def test_formats_are_the_stable_names() -> None:
    assert report.formats() == ("cyclonedx-json", "cyclonedx-xml", "spdx-json")


@pytest.mark.parametrize(
    ("fmt", "module"),
    [("cyclonedx-json", cyclonedx), ("cyclonedx-xml", cyclonedx_xml), ("spdx-json", spdx)],
)
def test_render_dispatches_to_the_format_module(fmt: str, module: object) -> None:
    sbom = sample_sbom()
    assert report.render(fmt, sbom) == module.render(sbom)  # type: ignore[attr-defined]


def test_unknown_format_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(UsageError) as info:
        report.render("cyclonedx-yaml", sample_sbom())
    err = info.value
    assert "cyclonedx-yaml" in err.message
    assert err.hint is not None
    for fmt in report.formats():
        assert fmt in err.hint


def test_exporter_carries_media_type_and_suffix() -> None:
    assert report.exporter("spdx-json").media_type == "application/spdx+json"
    assert report.exporter("cyclonedx-xml").suffix == ".cdx.xml"
