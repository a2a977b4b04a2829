"""For the VEX tests: a small VexDocument using every status and field, and offline validators
for the CycloneDX 1.6, OpenVEX 0.2.0 and CSAF 2.0 schemas (local ``referencing`` registry)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import orjson
from export_support import cyclonedx_json_validator
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT7

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.domain.vex import VexDocument, VexProduct, VexStatement

T0 = datetime(2024, 6, 1, 9, 0, 0, tzinfo=UTC)
T1 = datetime(2024, 6, 3, 14, 30, 0, tzinfo=UTC)
OPENSSL = VexProduct(
    bom_ref="pkg:generic/openssl@3.0.13",
    name="openssl",
    version="3.0.13",
    purl="pkg:generic/openssl@3.0.13",
    cpe="cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",
)
ZLIB = VexProduct(
    bom_ref="zlib-1",
    name="zlib",
    version="1.2.13",
    purl="pkg:generic/zlib@1.2.13",
)
BUSYBOX = VexProduct(
    bom_ref="busybox",
    name="busybox",
    version="1.36.1",
    cpe="cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*",
)


def statements() -> tuple[VexStatement, ...]:
    return (
        VexStatement(
            "CVE-2023-0464",
            OPENSSL,
            VexStatus.NOT_AFFECTED,
            T0,
            justification=Justification.CODE_NOT_REACHABLE,
            detail="Policy checks are disabled in our build.",
            impact_statement="X.509 policy processing is never enabled.",
        ),
        VexStatement(
            "CVE-2023-0465",
            OPENSSL,
            VexStatus.AFFECTED,
            T0,
            aliases=("GHSA-xxxx-yyyy-zzzz",),
            responses=(Response.UPDATE, Response.WORKAROUND_AVAILABLE),
            detail="Reachable through the network stack.",
            action_statement="Update to firmware 4.2.1 or disable remote TLS.",
            last_updated=T1,
        ),
        VexStatement(
            "CVE-2022-37434",
            ZLIB,
            VexStatus.NOT_AFFECTED,
            T0,
            justification=Justification.COMPONENT_NOT_PRESENT,
            detail="inflateGetHeader is not linked.",
        ),
        VexStatement("CVE-2022-37434", BUSYBOX, VexStatus.FIXED, T1, detail="Fixed in 4.2.0."),
        VexStatement("CVE-2022-48174", BUSYBOX, VexStatus.UNDER_INVESTIGATION, T1),
    )


def sample_doc(**changes: Any) -> VexDocument:
    base: dict[str, Any] = {
        "doc_id": "urn:uuid:5b7c1c4e-7e57-4c2b-9a9c-0d3f1e6a2b10",
        "author": "ACME Medical PSIRT",
        "publisher_name": "ACME Medical",
        "publisher_namespace": "https://acme-medical.example",
        "timestamp": T1,
        "product_name": "ACME IP-200",
        "product_version": "4.2.0",
        "statements": statements(),
        "version": 2,
    }
    base.update(changes)
    return VexDocument(**base)


def _schemas() -> Any:
    return resources.files("hemostat") / "data" / "schemas"


def _load(*parts: str) -> dict[str, Any]:
    node = _schemas()
    for p in parts:
        node = node / p
    result: dict[str, Any] = orjson.loads(node.read_bytes())
    return result


def cyclonedx_validator() -> Any:
    return cyclonedx_json_validator()


@cache
def openvex_validator() -> Draft202012Validator:
    schema = _load("openvex", "openvex_json_schema.json")
    return Draft202012Validator(schema, format_checker=FormatChecker())


@cache
def csaf_validator() -> Any:
    schema = _load("csaf", "csaf_json_schema.json")
    cvss = {
        f"https://www.first.org/cvss/{n}": _load("csaf", "referenced", "first", n)
        for n in ("cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json")
    }
    registry: Registry[Any] = Registry().with_resources(
        (k, Resource.from_contents(v, default_specification=_draft(v))) for k, v in cvss.items()
    )
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def _draft(doc: dict[str, Any]) -> Any:
    return DRAFT4 if "draft-04" in str(doc.get("$schema", "")) else DRAFT7


def errors(validator: Any, data: bytes) -> list[str]:
    doc = orjson.loads(data)
    return sorted(f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc))
