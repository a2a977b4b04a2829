"""A supplier's OpenVEX document for the mini pump SBOM (tests/assets/mini-1.cdx.json): one
statement about its wolfSSL, one about a package the SBOM does not have."""

from __future__ import annotations

from typing import Any


def supplier_openvex() -> dict[str, Any]:
    return {
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://wolfssl.example/vex/2025-001",
        "author": "wolfSSL Inc.",
        "timestamp": "2025-02-01T00:00:00Z",
        "version": 1,
        "statements": [
            {
                "vulnerability": {"name": "CVE-2023-3724"},
                "products": [{"@id": "pkg:github/wolfssl/wolfssl@v4.8.1-stable"}],
                "status": "not_affected",
                "justification": "vulnerable_code_not_in_execute_path",
            },
            {
                "vulnerability": {"name": "CVE-2099-0001"},
                "products": [{"@id": "pkg:npm/left-pad@1.0.0"}],
                "status": "affected",
                "action_statement": "upgrade",
            },
        ],
    }


def kev_catalog(*cves: str) -> dict[str, Any]:
    """A CISA KEV catalog (the feed's JSON layout) listing these CVEs."""
    return {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2025.02.01",
        "dateReleased": "2025-02-01T00:00:00.000Z",
        "count": len(cves),
        "vulnerabilities": [
            {
                "cveID": cve,
                "vendorProject": "wolfSSL",
                "product": "wolfSSL",
                "vulnerabilityName": "wolfSSL test entry",
                "dateAdded": "2025-02-01",
                "shortDescription": "Test entry.",
                "requiredAction": "Apply updates per vendor instructions.",
                "dueDate": "2025-02-22",
                "knownRansomwareCampaignUse": "Unknown",
                "notes": "",
                "cwes": [],
            }
            for cve in cves
        ],
    }
