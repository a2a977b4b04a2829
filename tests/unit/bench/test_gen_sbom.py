"""The benchmark generator (bench/gen_sbom.py): deterministic, valid, and readable by Hemostat."""

from __future__ import annotations

import importlib.util
import sys
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

from hemostat.ingest import read

BENCH = Path(__file__).resolve().parents[3] / "bench"
FORMATS = ("cdx-json", "cdx-xml", "spdx-json", "spdx-tv")


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    sys.path.insert(0, str(BENCH))  # gen_sbom imports its sibling modules by name
    spec = importlib.util.spec_from_file_location("gen_sbom", BENCH / "gen_sbom.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_seed_gives_same_bytes(gen: ModuleType, fmt: str) -> None:
    assert gen.render(fmt, 300, 7) == gen.render(fmt, 300, 7)
    assert gen.render(fmt, 300, 7) != gen.render(fmt, 300, 8)


def test_2k_cyclonedx_json_imports_with_expected_shape(gen: ModuleType) -> None:
    sbom = read(gen.render("cdx-json", 2000, 1), source="bench-2k.cdx.json")
    assert len(sbom.components) == 2000
    cpe_share = sum(bool(c.cpes) for c in sbom.components) / 2000
    assert 0.09 <= cpe_share <= 0.15  # designed ≈ 12 % (3 % embedded + 9.3 % of the rest)
    assert sbom.subject is not None and sbom.subject.type == "device"
    assert all(c.hashes for c in sbom.components)
    assert 2.5 <= len(sbom.dependencies) / 2000 <= 3.1  # ≈ 3 edges per component
    generic = [c for c in sbom.components if (c.purl or "").startswith("pkg:generic/")]
    assert generic and all(c.cpes for c in generic)  # embedded C always carries a CPE


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_as_the_same_components(gen: ModuleType, fmt: str) -> None:
    reference = read(gen.render("cdx-json", 300, 3), source="ref.cdx.json")
    sbom = read(gen.render(fmt, 300, 3), source=f"x.{fmt}")
    assert sorted(c.purl or "" for c in sbom.components) == sorted(
        c.purl or "" for c in reference.components
    )
    assert len(sbom.dependencies) == len(reference.dependencies)


class _SpdxXsd(etree.Resolver):
    """Maps the CycloneDX XSD's remote SPDX import to the bundled copy (no network)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        if system_url == "http://cyclonedx.org/schema/spdx":
            return self.resolve_filename(str(self.folder / "spdx.xsd"), context)
        return None


def test_cyclonedx_xml_is_valid_against_bundled_xsd(gen: ModuleType) -> None:
    folder = Path(str(files("hemostat") / "data" / "schemas" / "cyclonedx"))
    parser = etree.XMLParser()
    parser.resolvers.add(_SpdxXsd(folder))
    schema = etree.XMLSchema(etree.parse(str(folder / "bom-1.5.xsd"), parser))
    doc = etree.fromstring(gen.render("cdx-xml", 500, 1))
    assert schema.validate(doc), schema.error_log.last_error
