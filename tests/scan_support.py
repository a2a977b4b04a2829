"""For the scan tests: a hand-made scan report and offline validators for its three outputs.

The SARIF 2.1.0 schema (tests/assets/schemas/sarif-2.1.0-rtm.5.json) is the OASIS schema as
shipped in the MIT-licensed npm package @microsoft/jest-sarif 1.0.0-beta.0 (lib/schemas/).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft4Validator, Draft7Validator, Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource

from hemostat.domain.component import Component
from hemostat.domain.finding import (
    Confidence,
    CpeSuggestion,
    Finding,
    MatchEvidence,
    MatchKind,
    Skipped,
)
from hemostat.domain.scan import FeedSnapshot, RatedFinding, SbomSummary, ScanReport
from hemostat.domain.vulnerability import CvssScore, EpssScore, KevEntry

ASSETS = Path(__file__).resolve().parent / "assets"
SNAP = date(2024, 6, 1)


def _schemas() -> Any:
    return resources.files("hemostat") / "data" / "schemas"


@lru_cache(maxsize=1)
def sarif_validator() -> Draft4Validator:
    schema = orjson.loads((ASSETS / "schemas" / "sarif-2.1.0-rtm.5.json").read_bytes())
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def cyclonedx_validator() -> Draft7Validator:
    folder = _schemas() / "cyclonedx"
    resources_ = [
        (f"http://cyclonedx.org/schema/{n}", orjson.loads((folder / n).read_bytes()))
        for n in ("spdx.schema.json", "jsf-0.82.schema.json")
    ]
    registry: Registry[Any] = Registry().with_resources(
        (uri, Resource.from_contents(doc)) for uri, doc in resources_
    )
    schema = orjson.loads((folder / "bom-1.6.schema.json").read_bytes())
    return Draft7Validator(schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def scan_result_validator() -> Draft202012Validator:
    schema = orjson.loads((_schemas() / "hemostat" / "scan-result.schema.json").read_bytes())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(validator: Any, data: bytes) -> list[str]:
    doc = orjson.loads(data)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


def _ev(identifier: str, matched: str, **kw: Any) -> MatchEvidence:
    return MatchEvidence(
        kw.pop("matcher", "nvd-cpe"),
        kw.pop("kind", MatchKind.CPE_EXACT),
        identifier,
        matched,
        kw.pop("feed", "nvd"),
        SNAP,
        **kw,
    )


WOLF = Component(
    "wolfssl",
    "wolfssl",
    version="4.8.1",
    purl="pkg:github/wolfssl/wolfssl@v4.8.1-stable",
    cpes=("cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*",),
)
REQ = Component("requests", "requests", version="2.19.0", purl="pkg:pypi/requests@2.19.0")
KEV = KevEntry(
    "CVE-2023-3724",
    "wolfSSL",
    "wolfSSL",
    "wolfSSL TLS 1.3 PSK bypass",
    date(2024, 1, 2),
    date(2024, 1, 23),
    "Apply mitigations per vendor instructions.",
    "Unknown",
)


def sample_report(*, fail_on: str | None = None, met: bool = False) -> ScanReport:
    """Two components, three findings (one KEV, one near-miss CPE, one OSV purl), one skipped."""
    v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"
    kev_finding = Finding(
        "wolfssl",
        "purl:pkg:github/wolfssl/wolfssl",
        "CVE-2023-3724",
        (),
        (_ev(WOLF.cpes[0], "cpe:2.3:a:wolfssl:wolfssl:*:*:*:*:*:*:*:* [<5.6.2]"),),
        summary="If a TLS 1.3 client gets neither a PSK nor a KSE extension...",
        cvss=(
            CvssScore("3.1", v31, 9.1, "CRITICAL", "nvd@nist.gov"),
            CvssScore("2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:N", 6.4, "MEDIUM", "nvd@nist.gov"),
        ),
        cwes=("CWE-287", "NVD-CWE-noinfo"),
        kev=KEV,
        epss=EpssScore("CVE-2023-3724", 0.00652, 0.4827, date(2026, 8, 16)),
        fixed_versions=("5.6.2",),
    )
    near = Finding(
        "wolfssl",
        "purl:pkg:github/wolfssl/wolfssl",
        "CVE-2022-25638",
        (),
        (
            _ev(
                "cpe:2.3:o:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*",
                "cpe:2.3:a:wolfssl:wolfssl:*:*:*:*:*:*:*:* [<5.2.0]",
                kind=MatchKind.CPE_NEAR,
                confidence=Confidence.LOW,
                note="part 'o' in the SBOM, 'a' in NVD",
            ),
        ),
        summary="wolfSSL before 5.2.0 certificate validation may be bypassed.",
        cvss=(CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", 6.5, "MEDIUM"),),
        cwes=("CWE-295",),
        fixed_versions=("5.2.0",),
    )
    osv = Finding(
        "requests",
        "purl:pkg:pypi/requests",
        "CVE-2018-18074",
        ("GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"),
        (
            _ev(
                "pkg:pypi/requests@2.19.0",
                ">=0, <2.20.0 (ECOSYSTEM)",
                matcher="osv-purl",
                kind=MatchKind.PURL_RANGE,
                feed="osv",
            ),
        ),
        summary="Requests sends Authorization headers on HTTPS-to-HTTP redirects.",
        fixed_versions=("2.20.0",),
    )
    findings = (
        RatedFinding(kev_finding, "critical", 9.1, "3.1"),
        RatedFinding(near, "medium", 6.5, "3.1"),
        RatedFinding(osv, "unknown"),
    )
    skipped = (
        Skipped(
            "druglib",
            "drug-library-parser",
            "no purl or CPE",
            (
                CpeSuggestion(
                    "cpe:2.3:a:example:drug_library:*:*:*:*:*:*:*:*", Confidence.LOW, "name"
                ),
            ),
        ),
    )
    return ScanReport(
        sbom=SbomSummary(
            "sboms/pump.cdx.json", "cyclonedx-json", "1.6", "ab" * 32, 4, "pump", None, "pump 1.0"
        ),
        findings=findings,
        skipped=skipped,
        components=(REQ, WOLF),
        feeds=(FeedSnapshot("kev", date(2025, 8, 25)), FeedSnapshot("nvd", SNAP)),
        fail_on=fail_on,
        threshold_met=met,
    )
