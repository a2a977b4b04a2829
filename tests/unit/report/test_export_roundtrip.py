"""Import → export → import gives the same components (needs the ingest readers).

Components are compared as sets of (identity, name, version, purl, cpes, hashes, licenses,
level_of_support, end_of_support); the subject is compared on its own, because readers may or
may not also list it among the components.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from export_support import sample_sbom

from hemostat import ingest, report
from hemostat.domain.component import Component, Sbom, SbomFormat

Key = tuple[object, ...]

EXPORT_FOR = {
    SbomFormat.CYCLONEDX_JSON: "cyclonedx-json",
    SbomFormat.CYCLONEDX_XML: "cyclonedx-xml",
    SbomFormat.SPDX_JSON: "spdx-json",
    SbomFormat.SPDX_TAGVALUE: "spdx-json",
}

CYCLONEDX_FILES = [
    "SBOM/cern-lhc-vdm-editor-e564943/bom.json",
    "SBOM/cern-lhc-vdm-editor-e564943/bom.xml",
    "SBOM/dropwizard-1.3.15/bom.json",
    "SBOM/laravel-7.12.0/bom.1.4.json",
    "SBOM/laravel-7.12.0/bom.1.2.xml",
    "SBOM/proton-bridge/proton-bridge-v1.8.0.bom.xml",
]
SPDX_FILES = [
    "software/example8/spdx2.3/examplemaven-0.0.1.spdx.json",
    "software/example9/spdx2.2/appbomination.spdx.json",
    "software/example10/spdx2.3/hello-source.spdx.json",
    "software/example11/spdx2.3/sbom.spdx.json",
    "software/example14/spdx2.3/examplemaven-0.0.1-enriched.spdx.json",
]


def key(c: Component) -> Key:
    return (
        c.identity,
        c.name,
        c.version,
        c.purl,
        c.cpes,
        tuple(sorted((h.alg, h.value) for h in c.hashes)),
        c.licenses,
        c.level_of_support,
        c.end_of_support,
    )


def components(sbom: Sbom) -> set[Key]:
    return {key(c) for c in sbom.components if c != sbom.subject}


def round_trip(first: Sbom, source: str) -> Sbom:
    out = report.render(EXPORT_FOR[first.format], first)
    return ingest.read(out, source=f"export of {source}")


def assert_same(first: Sbom, second: Sbom) -> None:
    assert second.format == first.format
    assert components(second) == components(first)
    assert (second.subject and key(second.subject)) == (first.subject and key(first.subject))
    assert {(d.ref, d.depends_on) for d in second.dependencies} == {
        (d.ref, d.depends_on) for d in first.dependencies
    }


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml", "spdx-json"])
def test_sample_round_trips(fmt: str) -> None:
    first = ingest.read(report.render(fmt, sample_sbom()), source=f"sample.{fmt}")
    second = round_trip(first, fmt)
    assert_same(first, second)
    assert len(second.components) >= 4
    assert {c.level_of_support for c in second.components} == {
        c.level_of_support for c in sample_sbom().components
    }


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml"])
def test_cyclonedx_export_keeps_every_compared_field_of_the_domain(fmt: str) -> None:
    sbom = sample_sbom()
    back = ingest.read(report.render(fmt, sbom), source=f"sample.{fmt}")
    cdx_hashes = {"SHA-1", "SHA-256"}  # the sample's SHA-224 has no CycloneDX spelling
    expected = sample_sbom(
        components=tuple(
            replace(c, hashes=tuple(h for h in c.hashes if h.alg in cdx_hashes))
            for c in sbom.components
        )
    )
    assert components(back) == components(expected)
    assert back.subject is not None
    assert key(back.subject) == key(sbom.subject)  # type: ignore[arg-type]
    assert {(d.ref, d.depends_on) for d in back.dependencies} == {
        (d.ref, d.depends_on) for d in sbom.dependencies
    }


@pytest.mark.parametrize("name", CYCLONEDX_FILES)
def test_real_cyclonedx_round_trips(shared_data: Callable[[str], Path], name: str) -> None:
    path = shared_data("cyclonedx-bom-examples") / name
    first = ingest.read(path.read_bytes(), source=str(path))
    assert first.components
    assert_same(first, round_trip(first, name))


@pytest.mark.parametrize("name", SPDX_FILES)
def test_real_spdx_round_trips(shared_data: Callable[[str], Path], name: str) -> None:
    path = shared_data("spdx-examples") / name
    first = ingest.read(path.read_bytes(), source=str(path))
    assert first.components
    assert_same(first, round_trip(first, name))
