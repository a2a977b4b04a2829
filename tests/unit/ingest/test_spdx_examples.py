"""Every SPDX example in shared data imports, with counts that reconcile with the raw files, and
the SPDX 2.3 JSON ones agree with spdx-tools on names, versions and purls."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hemostat.domain.component import Component, Sbom
from hemostat.domain.purl import normalize_purl
from hemostat.ingest import read_path

# path → (format, components, dependency edges, subject name). Every file imports: none is refused.
# In SPDX 3 only package elements are components: example7-bin.spdx3.json describes a single
# software_File (its 2.2 twin calls it a package), so it has none.
EXPECTED = {
    "ai/example01/spdx3.0/simplehtr-example.json": ("spdx3-jsonld", 12, 7, "SimpleHTR"),
    "ai/example02/spdx3.0/sbom.spdx3.json": (
        "spdx3-jsonld",
        2,
        0,
        "Sentiment Demo: A Simple AI Application and its AI BOM Example",
    ),
    "dataset/example01/spdx3.0/example01.spdx3.json": (
        "spdx3-jsonld",
        1,
        0,
        "Our World in Data CO2 and Greenhouse Gas Emissions dataset",
    ),
    "software/example1/spdx2.2/example1.spdx": ("spdx-tag-value", 1, 0, "hello"),
    "software/example1/spdx3.0/example1.json": ("spdx3-jsonld", 1, 0, "hello"),
    "software/example10/spdx2.3/hello-source.spdx.json": ("spdx-json", 1, 0, "hello"),
    "software/example10/spdx3.0/hello-source.spdx3.json": ("spdx3-jsonld", 1, 0, "hello"),
    "software/example11/spdx2.3/sbom.spdx.json": ("spdx-json", 3, 3, "hello-server-src"),
    "software/example11/spdx3.0/sbom.spdx3.json": ("spdx3-jsonld", 3, 3, "hello-server-src"),
    "software/example12/spdx2.2/hello-dist.spdx.json": ("spdx-json", 1, 0, "hello"),
    "software/example12/spdx2.2/hello-src.spdx.json": ("spdx-json", 1, 0, "hello"),
    "software/example12/spdx3.0/hello-dist.spdx3.json": ("spdx3-jsonld", 1, 0, "hello"),
    "software/example12/spdx3.0/hello-src.spdx3.json": ("spdx3-jsonld", 1, 0, "hello"),
    "software/example13/spdx3.0/example13.spdx3.json": ("spdx3-jsonld", 3, 3, "Acme Application"),
    "software/example14/content/examplemaven-0.0.1.spdx.json": ("spdx-json", 5, 5, "examplemaven"),
    "software/example14/content/examplemaven-0.0.1.spdx3.json": (
        "spdx3-jsonld",
        5,
        5,
        "examplemaven",
    ),
    "software/example14/spdx2.3/examplemaven-0.0.1-enriched.spdx.json": (
        "spdx-json",
        5,
        5,
        "examplemaven",
    ),
    "software/example14/spdx3.0/examplemaven-0.0.1-enriched.spdx3.json": (
        "spdx3-jsonld",
        5,
        5,
        "examplemaven",
    ),
    "software/example2/spdx2.2/example2-bin.spdx": ("spdx-tag-value", 1, 0, "hello-bin"),
    "software/example2/spdx2.2/example2-src.spdx": ("spdx-tag-value", 1, 0, "hello-src"),
    "software/example3/spdx2.2/example3-bin.spdx": ("spdx-tag-value", 1, 0, "main-bin"),
    "software/example3/spdx2.2/example3-src.spdx": ("spdx-tag-value", 1, 0, "main-src"),
    "software/example3/spdx3.0/example3-bin.json": ("spdx3-jsonld", 1, 0, "main-bin"),
    "software/example3/spdx3.0/example3-src.json": ("spdx3-jsonld", 1, 0, "main-src"),
    "software/example4/spdx2.2/example4-bin.spdx": ("spdx-tag-value", 3, 0, "main-bin"),
    "software/example4/spdx2.2/example4-src.spdx": ("spdx-tag-value", 1, 0, "main-src"),
    "software/example4/spdx3.0/example4-bin.json": ("spdx3-jsonld", 3, 0, "main-bin"),
    "software/example4/spdx3.0/example4-src.json": ("spdx3-jsonld", 1, 0, "main-src"),
    "software/example5/spdx2.2/example5-bin.spdx": ("spdx-tag-value", 1, 0, "hello-go-bin"),
    "software/example5/spdx2.2/example5-src.spdx": ("spdx-tag-value", 1, 0, "hello-go-src"),
    "software/example5/spdx3.0/example5-bin.json": ("spdx3-jsonld", 1, 0, "hello-go-bin"),
    "software/example5/spdx3.0/example5-src.json": ("spdx3-jsonld", 1, 0, "hello-go-src"),
    "software/example6/spdx2.2/example6-bin.spdx": ("spdx-tag-value", 1, 0, "hello-go-bin"),
    "software/example6/spdx2.2/example6-lib.spdx": ("spdx-tag-value", 4, 4, "go-1.15"),
    "software/example6/spdx2.2/example6-src.spdx": ("spdx-tag-value", 1, 0, "hello-go-src"),
    "software/example6/spdx3.0/example6-bin.json": ("spdx3-jsonld", 1, 0, "hello-go-bin"),
    "software/example6/spdx3.0/example6-lib.json": ("spdx3-jsonld", 4, 4, "go-1.15"),
    "software/example6/spdx3.0/example6-src.json": ("spdx3-jsonld", 1, 0, "hello-go-src"),
    "software/example7/spdx2.2/example7-bin.spdx.json": ("spdx-json", 1, 0, "hello"),
    "software/example7/spdx2.2/example7-go-module.spdx.json": (
        "spdx-json",
        1,
        0,
        "example.com/hello",
    ),
    "software/example7/spdx2.2/example7-golang.spdx.json": (
        "spdx-json",
        2,
        0,
        "go1.16.4.linux-amd64",
    ),
    "software/example7/spdx2.2/example7-third-party-modules.spdx.json": ("spdx-json", 3, 0, None),
    "software/example7/spdx3.0/example7-bin.spdx3.json": ("spdx3-jsonld", 0, 0, None),
    "software/example7/spdx3.0/example7-go-module.spdx3.json": (
        "spdx3-jsonld",
        1,
        0,
        "example.com/hello",
    ),
    "software/example7/spdx3.0/example7-golang.spdx3.json": (
        "spdx3-jsonld",
        1,
        0,
        "go1.16.4.linux-amd64.tar.gz",
    ),
    "software/example7/spdx3.0/example7-third-party-modules.spdx3.json": (
        "spdx3-jsonld",
        2,
        0,
        None,
    ),
    "software/example8/spdx2.3/examplemaven-0.0.1.spdx.json": ("spdx-json", 5, 5, "examplemaven"),
    "software/example8/spdx3.0/examplemaven-0.0.1.spdx3.json": (
        "spdx3-jsonld",
        5,
        5,
        "examplemaven",
    ),
    "software/example9/spdx2.2/appbomination.spdx.json": ("spdx-json", 6, 4, "App-BOM-ination"),
    "software/example9/spdx3.0/appbomination.spdx3.json": ("spdx3-jsonld", 6, 4, "App-BOM-ination"),
}
PACKAGE_TYPES = ("software_Package", "ai_AIPackage", "dataset_DatasetPackage")


@pytest.fixture(scope="module")
def examples(shared_data: Callable[[str], Path]) -> Path:
    return shared_data("spdx-examples")


def test_every_example_is_listed(examples: Path) -> None:
    found = {
        str(p.relative_to(examples))
        for p in examples.rglob("*")
        if p.suffix in (".json", ".spdx") and p.is_file()
    }
    assert found == set(EXPECTED)


def everything(s: Sbom) -> list[Component]:
    """Components plus the subject when it was kept out of them."""
    extra = [s.subject] if s.subject is not None and s.subject not in s.components else []
    return extra + list(s.components)


def raw_package_count(path: Path) -> int:
    if path.suffix == ".spdx":
        return sum(line.startswith("PackageName:") for line in path.read_text().splitlines())
    doc = json.loads(path.read_text())
    if "@graph" in doc:
        return sum(e.get("type") in PACKAGE_TYPES for e in doc["@graph"])
    return len(doc.get("packages", []))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_imports(examples: Path, name: str) -> None:
    path = examples / name
    s = read_path(path)
    fmt, n_components, n_edges, subject = EXPECTED[name]
    assert (s.format.value, len(s.components), len(s.dependencies)) == (fmt, n_components, n_edges)
    assert (s.subject.name if s.subject else None) == subject
    assert len(everything(s)) == raw_package_count(path)
    assert s.warnings == ()
    assert s.raw == path.read_bytes()
    refs = {c.bom_ref for c in everything(s)}
    assert all(d.ref in refs and d.depends_on in refs for d in s.dependencies)


SPDX23_JSON = sorted(
    n
    for n, v in EXPECTED.items()
    if (v[0] == "spdx-json" and "spdx2.3" in n)
    or n.endswith("content/examplemaven-0.0.1.spdx.json")
)


@pytest.mark.parametrize("name", SPDX23_JSON)
def test_spdx23_json_agrees_with_spdx_tools(examples: Path, name: str) -> None:
    from spdx_tools.spdx.parser.json import json_parser  # noqa: PLC0415 - slow import, bench extra

    theirs = json_parser.parse_from_file(str(examples / name))
    expected = set()
    for p in theirs.packages:
        purls = [r.locator for r in p.external_references if r.reference_type == "purl"]
        version = p.version if p.version not in (None, "NOASSERTION") else None
        expected.add((p.spdx_id, p.name, version, normalize_purl(purls[0]) if purls else None))
    ours = {(c.bom_ref, c.name, c.version, c.purl) for c in everything(read_path(examples / name))}
    assert ours == expected
