"""For the export tests: a sample SBOM using every field, and offline schema validators."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

import orjson
from jsonschema import Draft7Validator, Draft201909Validator  # type: ignore[import-untyped]
from lxml import etree
from referencing import Registry, Resource

from hemostat.domain.component import (
    Component,
    Dependency,
    Hash,
    Sbom,
    SbomFormat,
    SupportLevel,
)

SHA256 = "a" * 64
SHA1 = "b" * 40
SHA224 = "c" * 56  # SPDX knows SHA-224, CycloneDX does not

SUBJECT = Component(
    bom_ref="infusion-pump-fw",
    name="Infusion Pump Firmware",
    type="firmware",
    version="4.2.0",
    supplier="ACME Medical",
    description="Firmware of the ACME IP-200 infusion pump",
)
OPENSSL = Component(
    bom_ref="pkg:deb/debian/openssl@3.0.11-1?arch=amd64",
    name="openssl",
    version="3.0.11-1",
    supplier="Debian",
    purl="pkg:deb/debian/openssl@3.0.11-1?arch=amd64",
    cpes=(
        "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*",
        "cpe:2.3:a:debian:openssl:3.0.11-1:*:*:*:*:*:*:*",
        "cpe:2.3:a:openssl_project:openssl:3.0.11:*:*:*:*:*:*:*",
    ),
    hashes=(Hash("SHA-256", SHA256), Hash("SHA-1", SHA1), Hash("SHA-224", SHA224)),
    licenses=("Apache-2.0",),
    scope="required",
    level_of_support=SupportLevel.ACTIVELY_MAINTAINED,
    end_of_support=date(2026, 9, 7),
)
ZLIB = Component(
    bom_ref="pkg:generic/zlib@1.2.13",
    name="zlib",
    version="1.2.13",
    purl="pkg:generic/zlib@1.2.13",
    licenses=("Zlib OR MIT",),
    level_of_support=SupportLevel.NO_LONGER_MAINTAINED,
    support_note="replaced by zlib-ng in release 5.0",
)
RTOS = Component(  # no purl, no CPE: identity falls back to type + group + name
    bom_ref="vendor-rtos",
    name="PumpRTOS",
    type="operating-system",
    version="7.1",
    group="acme",
    supplier="Organization: RTOS Vendor Inc.",
    licenses=("ACME Proprietary License", "MIT"),
    scope="required",
    description="Real-time kernel",
    level_of_support=SupportLevel.UNKNOWN,
    support_note="vendor has not answered since 2023",
    properties=(("cdx:device:role", "kernel"), ("acme:build", "r17")),
)
UI = Component(
    bom_ref="pkg:npm/%40acme/ui@2.0.0",
    name="ui",
    group="@acme",
    version="2.0.0",
    type="application",
    purl="pkg:npm/%40acme/ui@2.0.0",
    scope="optional",
    hashes=(Hash("SHA-256", "d" * 64),),
    level_of_support=SupportLevel.ABANDONED,
    end_of_support=date(2024, 1, 31),
)
COMPONENTS = (OPENSSL, ZLIB, RTOS, UI)
EDGES = (
    Dependency(SUBJECT.bom_ref, OPENSSL.bom_ref),
    Dependency(SUBJECT.bom_ref, RTOS.bom_ref),
    Dependency(SUBJECT.bom_ref, UI.bom_ref),
    Dependency(OPENSSL.bom_ref, ZLIB.bom_ref),
    Dependency(RTOS.bom_ref, ZLIB.bom_ref),
    Dependency(UI.bom_ref, OPENSSL.bom_ref),
)


def sample_sbom(**changes: Any) -> Sbom:
    sbom = Sbom(
        format=SbomFormat.CYCLONEDX_JSON,
        spec_version="1.6",
        sha256="e" * 64,
        raw=b"",
        components=COMPONENTS,
        dependencies=EDGES,
        subject=SUBJECT,
        serial="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        doc_version=3,
        name="ACME IP-200 4.2.0",
        timestamp=datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC),
        authors=("Jane Doe",),
        tools=("syft-1.4.1",),
        supplier="ACME Medical",
    )
    return replace(sbom, **changes)


def shuffled(sbom: Sbom, seed: int) -> Sbom:
    rng = random.Random(seed)
    comps, deps = list(sbom.components), list(sbom.dependencies)
    rng.shuffle(comps)
    rng.shuffle(deps)
    return replace(sbom, components=tuple(comps), dependencies=tuple(deps))


def _schema_dir() -> Any:
    return resources.files("hemostat") / "data" / "schemas"


@cache
def cyclonedx_json_validator() -> Draft7Validator:
    """bom-1.6 with its ``spdx`` and ``jsf`` $refs served from the bundled copies (no network)."""
    folder = _schema_dir() / "cyclonedx"
    docs = [
        orjson.loads((folder / n).read_bytes())
        for n in ("spdx.schema.json", "jsf-0.82.schema.json")
    ]
    registry: Registry[Any] = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in docs
    )
    schema = orjson.loads((folder / "bom-1.6.schema.json").read_bytes())
    return Draft7Validator(schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


@cache
def spdx_json_validator() -> Draft201909Validator:
    schema = orjson.loads((_schema_dir() / "spdx" / "spdx-2.3-schema.json").read_bytes())
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


@cache
def cyclonedx_xsd() -> etree.XMLSchema:
    """bom-1.6.xsd with its import of the SPDX license XSD pointed at the bundled file."""
    folder = _schema_dir() / "cyclonedx"
    tree = etree.fromstring((folder / "bom-1.6.xsd").read_bytes())
    for imp in tree.iter("{http://www.w3.org/2001/XMLSchema}import"):
        if imp.get("schemaLocation") == "http://cyclonedx.org/schema/spdx":
            imp.set("schemaLocation", str(folder / "spdx.xsd"))
    return etree.XMLSchema(tree)


def json_errors(validator: Draft7Validator | Draft201909Validator, data: bytes) -> list[str]:
    doc = orjson.loads(data)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def xml_errors(data: bytes) -> list[str]:
    schema = cyclonedx_xsd()
    ok = schema.validate(etree.fromstring(data))
    return [] if ok else str(schema.error_log).splitlines()
