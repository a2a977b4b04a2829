"""One small hand-written BOM per CycloneDX version, as JSON and as XML, plus what it must
normalize to. Shared by test_cyclonedx.py and test_cyclonedx_xml.py."""

from __future__ import annotations

import tarfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from hemostat.domain.component import Component, Dependency, Hash, Sbom, SbomFormat, SupportLevel

VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")
SERIAL = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
SHA256 = "AB" * 32
CPE = "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"
CPE_EXTRA = "cpe:2.3:a:openssl_project:openssl:3.0.13:*:*:*:*:*:*:*"


def has_properties(version: str) -> bool:
    return version != "1.2"


def bom_json(version: str) -> dict[str, Any]:
    tools: object = [{"vendor": "acme", "name": "sbom-gen", "version": "2.0"}]
    if version >= "1.5":
        tools = {
            "components": [
                {"type": "application", "group": "acme", "name": "sbom-gen", "version": "2.0"}
            ]
        }
    lib: dict[str, Any] = {
        "type": "library",
        "bom-ref": "lib-a",
        "supplier": {"name": "OpenSSL Foundation"},
        "group": "org.openssl",
        "name": "openssl",
        "version": "3.0.13",
        "description": "TLS toolkit",
        "scope": "required",
        "hashes": [{"alg": "SHA-256", "content": SHA256}],
        "licenses": [{"license": {"id": "Apache-2.0"}}],
        "cpe": "cpe:/a:openssl:openssl:3.0.13",
        "purl": "pkg:generic/openssl@3.0.13",
        "components": [
            {"type": "file", "bom-ref": "lib-a-cfg", "name": "openssl.cnf", "version": "1"}
        ],
    }
    if has_properties(version):
        lib["properties"] = [
            {"name": "hemostat:level_of_support", "value": "no longer maintained"},
            {"name": "hemostat:end_of_support", "value": "2026-06-30"},
            {"name": "hemostat:support_note", "value": "replace in 6.0"},
            {"name": "hemostat:cpe", "value": CPE_EXTRA},
        ]
    app = {
        "type": "application",
        "name": "Django",
        "version": "4.2",
        "licenses": [{"expression": "MIT OR Apache-2.0"}],
        "purl": "pkg:pypi/Django@4.2",
    }
    return {
        "bomFormat": "CycloneDX",
        "specVersion": version,
        "serialNumber": SERIAL,
        "version": 7,
        "metadata": {
            "timestamp": "2024-05-01T12:00:00Z",
            "tools": tools,
            "authors": [{"name": "Jane Doe", "email": "jane@acme.example"}],
            "component": {
                "type": "device",
                "bom-ref": "pump",
                "supplier": {"name": "Acme Medical"},
                "name": "Infusion Pump",
                "version": "5.0",
            },
            "supplier": {"name": "Acme Medical Devices"},
        },
        "components": [lib, app],
        "dependencies": [
            {"ref": "pump", "dependsOn": ["lib-a"]},
            {"ref": "lib-a", "dependsOn": ["lib-a-cfg"]},
        ],
    }


def json_bytes(version: str) -> bytes:
    return orjson.dumps(bom_json(version), option=orjson.OPT_INDENT_2)


def bom_xml(version: str) -> bytes:
    if version >= "1.5":
        tools = (
            '<components><component type="application"><group>acme</group>'
            "<name>sbom-gen</name><version>2.0</version></component></components>"
        )
    else:
        tools = "<tool><vendor>acme</vendor><name>sbom-gen</name><version>2.0</version></tool>"
    props = (
        "<properties>"
        '<property name="hemostat:level_of_support">no longer maintained</property>'
        '<property name="hemostat:end_of_support">2026-06-30</property>'
        '<property name="hemostat:support_note">replace in 6.0</property>'
        f'<property name="hemostat:cpe">{CPE_EXTRA}</property>'
        "</properties>"
        if has_properties(version)
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- hand-written test BOM -->
<bom xmlns="http://cyclonedx.org/schema/bom/{version}" serialNumber="{SERIAL}" version="7">
  <metadata>
    <timestamp>2024-05-01T12:00:00Z</timestamp>
    <tools>{tools}</tools>
    <authors><author><name>Jane Doe</name><email>jane@acme.example</email></author></authors>
    <component type="device" bom-ref="pump">
      <supplier><name>Acme Medical</name></supplier>
      <name>Infusion Pump</name><version>5.0</version>
    </component>
    <supplier><name>Acme Medical Devices</name></supplier>
  </metadata>
  <components>
    <component type="library" bom-ref="lib-a">
      <supplier><name>OpenSSL Foundation</name></supplier>
      <group>org.openssl</group>
      <name>openssl</name>
      <version>3.0.13</version>
      <description><![CDATA[TLS toolkit]]></description>
      <scope>required</scope>
      <hashes><hash alg="SHA-256">{SHA256}</hash></hashes>
      <licenses><license><id>Apache-2.0</id></license></licenses>
      <cpe>cpe:/a:openssl:openssl:3.0.13</cpe>
      <purl>pkg:generic/openssl@3.0.13</purl>
      {props}
      <components>
        <component type="file" bom-ref="lib-a-cfg">
          <name>openssl.cnf</name><version>1</version>
        </component>
      </components>
    </component>
    <component type="application">
      <name>Django</name>
      <version>4.2</version>
      <licenses><expression>MIT OR Apache-2.0</expression></licenses>
      <purl>pkg:pypi/Django@4.2</purl>
    </component>
  </components>
  <dependencies>
    <dependency ref="pump"><dependency ref="lib-a"/></dependency>
    <dependency ref="lib-a"><dependency ref="lib-a-cfg"/></dependency>
  </dependencies>
</bom>
""".encode()


def expected(version: str, fmt: SbomFormat) -> Sbom:
    """What both encodings of the sample must normalize to (``sha256``/``raw`` left empty)."""
    props: tuple[tuple[str, str], ...] = ()
    support: dict[str, Any] = {}
    cpes: tuple[str, ...] = (CPE,)
    if has_properties(version):
        props = (
            ("hemostat:level_of_support", "no longer maintained"),
            ("hemostat:end_of_support", "2026-06-30"),
            ("hemostat:support_note", "replace in 6.0"),
            ("hemostat:cpe", CPE_EXTRA),
        )
        support = {
            "level_of_support": SupportLevel.NO_LONGER_MAINTAINED,
            "end_of_support": date(2026, 6, 30),
            "support_note": "replace in 6.0",
        }
        cpes = (CPE, CPE_EXTRA)
    lib = Component(
        bom_ref="lib-a",
        name="openssl",
        type="library",
        version="3.0.13",
        group="org.openssl",
        supplier="OpenSSL Foundation",
        purl="pkg:generic/openssl@3.0.13",
        cpes=cpes,
        hashes=(Hash("SHA-256", SHA256.lower()),),
        licenses=("Apache-2.0",),
        scope="required",
        description="TLS toolkit",
        properties=props,
        **support,
    )
    cfg = Component(bom_ref="lib-a-cfg", name="openssl.cnf", type="file", version="1")
    app = Component(
        bom_ref="hemostat:2",
        name="Django",
        type="application",
        version="4.2",
        purl="pkg:pypi/django@4.2",
        licenses=("MIT OR Apache-2.0",),
    )
    subject = Component(
        bom_ref="pump", name="Infusion Pump", type="device", version="5.0", supplier="Acme Medical"
    )
    return Sbom(
        format=fmt,
        spec_version=version,
        sha256="",
        raw=b"",
        components=(lib, cfg, app),
        dependencies=(Dependency("pump", "lib-a"), Dependency("lib-a", "lib-a-cfg")),
        subject=subject,
        serial=SERIAL,
        doc_version=7,
        name="Infusion Pump",
        timestamp=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        authors=("Jane Doe <jane@acme.example>",),
        tools=("acme sbom-gen 2.0",),
        supplier="Acme Medical Devices",
        warnings=(),
    )


def corpus(examples: Path, scratch: Path) -> list[Path]:
    """Every JSON/XML BOM in the cyclonedx-bom-examples set, with the nested SBOM-*.tar.gz
    archives (juice-shop) unpacked into ``scratch``."""
    for archive in sorted(examples.glob("SBOM-*.tar.gz")):
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
    found = [p for root in (examples, scratch) for p in root.rglob("*") if p.is_file()]
    return sorted(p for p in found if p.suffix in (".json", ".xml"))


def json_component_count(doc: dict[str, Any]) -> int:
    """Plain count of components, nested ones and the subject's children included."""
    stack = list(doc.get("components", []))
    stack += doc.get("metadata", {}).get("component", {}).get("components", [])
    n = 0
    while stack:
        c = stack.pop()
        n += 1
        stack += c.get("components", [])
    return n
