"""The CSAF product-tree matcher: SBOM components by CPE or purl against known_affected leaves."""

from __future__ import annotations

from datetime import date

import pytest
from match_factories import simple

from hemostat.domain.component import Component
from hemostat.domain.finding import Confidence, MatchKind
from hemostat.domain.vulnerability import (
    CsafAdvisory,
    CsafProduct,
    CsafRemediation,
    CsafVulnerability,
    CvssScore,
    FeedKind,
    Provenance,
)
from hemostat.match.csaf import CsafMatcher, with_csaf
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import registry
from hemostat.match.run import MatchResult, run

SNAPSHOT = date(2024, 5, 1)
GATEWAY = "cpe:2.3:o:acme:infusion_gateway_firmware:*:*:*:*:*:*:*:*"
VIEWER = "cpe:2.3:a:acme:viewer:*:*:*:*:*:*:*:*"
SERVER = "cpe:2.3:a:acme:dicom_server:3.1:*:*:*:*:*:*:*"
PINNED = "cpe:2.3:a:acme:console:2.0:*:*:*:*:*:*:*"


def _product(pid: str, name: str, version: str, text: str, **ids: str) -> CsafProduct:
    return CsafProduct(pid, name, "Acme Medical", name, version, version_text=text, **ids)


ADVISORY = CsafAdvisory(
    id="ACME-2024-01",
    title="Acme infusion products",
    publisher="Acme PSIRT",
    category="csaf_security_advisory",
    initial_release=None,
    current_release=None,
    products=(
        _product("GW-OLD", "Infusion Gateway", "<4.2", "prior to 4.2", cpe=GATEWAY),
        _product("GW-NEW", "Infusion Gateway", "4.2", "4.2", cpe=GATEWAY),
        _product("LIB", "acme-lib", ">=1.0|<1.5", "1.0 to 1.4.x", purl="pkg:pypi/acme-lib"),
        _product("VIEW", "Viewer", "", "see vendor notes", cpe=VIEWER),
        _product("DICOM", "DICOM server", "", "", cpe=SERVER),
        _product("CONSOLE", "Console", "", "", cpe=PINNED),
    ),
    vulnerabilities=(
        CsafVulnerability(
            cve="CVE-2099-0001",
            ids=("ACME-VU-1",),
            title="Hard-coded credentials",
            product_status=(
                ("known_affected", ("GW-OLD", "LIB", "VIEW", "CONSOLE")),
                ("fixed", ("GW-NEW",)),
                ("known_not_affected", ("DICOM",)),
            ),
            cvss=(
                CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL"),
            ),
            cwes=("CWE-798",),
            remediations=(CsafRemediation("vendor_fix", "Update to 4.2", ("GW-OLD",)),),
        ),
    ),
    provenance=Provenance(FeedKind.CSAF, "test:csaf", SNAPSHOT, "ACME-2024-01"),
)
EMPTY = VulnIndex.build(())


def _run(*components: Component, index: VulnIndex = EMPTY) -> MatchResult:
    return run(components, index, matchers=with_csaf([ADVISORY]))


def _cpe(cpe: str, version: str | None, ref: str = "c") -> Component:
    return Component(ref, "component", version=version, cpes=(cpe,))


def test_a_component_cpe_in_the_affected_range_hits_the_known_affected_leaf() -> None:
    result = _run(_cpe(GATEWAY, "4.1.7"))
    [finding] = result.findings
    assert finding.vulnerability == "CVE-2099-0001"
    assert finding.aliases == ("ACME-VU-1",)
    assert finding.cwes == ("CWE-798",) and finding.cvss[0].base_score == 9.8
    [evidence] = finding.evidence
    assert evidence.matcher == "csaf-product" and evidence.kind is MatchKind.CSAF_PRODUCT
    assert evidence.matched == "ACME-2024-01 Infusion Gateway prior to 4.2 (known_affected)"
    assert evidence.identifier == GATEWAY
    assert (evidence.feed, evidence.snapshot) == ("csaf", SNAPSHOT)
    assert evidence.confidence is Confidence.HIGH and evidence.note == ""
    assert result.skipped == ()


@pytest.mark.parametrize("version", ["4.2", "4.2.0", "4.3", "10.0"])
def test_the_fixed_version_and_versions_outside_the_range_give_nothing(version: str) -> None:
    assert _run(_cpe(GATEWAY, version)).findings == ()


def test_a_version_in_the_cpe_itself_is_used() -> None:
    in_range = GATEWAY.replace("firmware:*", "firmware:4.0")
    assert [f.vulnerability for f in _run(_cpe(in_range, None)).findings] == ["CVE-2099-0001"]
    assert _run(_cpe(GATEWAY.replace("firmware:*", "firmware:4.2"), "4.0")).findings == ()


def test_known_not_affected_leaves_never_produce_findings() -> None:
    result = _run(_cpe(SERVER, "3.1"), _cpe(SERVER.replace("3.1", "*"), "3.1", "d"))
    assert result.findings == ()
    assert len(CsafMatcher([ADVISORY])) == 4  # only the affected leaves are indexed


def test_a_pinned_cpe_version_is_an_exact_version() -> None:
    assert len(_run(_cpe(PINNED.replace("2.0", "*"), "2.0")).findings) == 1
    assert _run(_cpe(PINNED.replace("2.0", "*"), "2.0.1")).findings == ()


@pytest.mark.parametrize(("version", "hits"), [("1.0", 1), ("1.4.9", 1), ("1.5", 0), ("0.9", 0)])
def test_purl_hits_use_the_range_of_the_leaf(version: str, hits: int) -> None:
    component = Component("p", "acme-lib", version=version, purl=f"pkg:pypi/Acme_Lib@{version}")
    result = _run(component)
    assert len(result.findings) == hits
    if hits:
        assert result.findings[0].evidence[0].identifier == f"pkg:pypi/acme-lib@{version}"


def test_without_a_version_the_component_is_skipped_not_cleared() -> None:
    result = _run(_cpe(GATEWAY, None))
    assert result.findings == ()
    reasons = [s.reason for s in result.skipped]
    assert any("ACME-2024-01 Infusion Gateway not evaluated" in r for r in reasons), reasons


def test_an_unreadable_component_version_is_skipped() -> None:
    result = _run(Component("p", "acme-lib", version="1.0 beta", purl="pkg:pypi/acme-lib"))
    assert result.findings == ()
    assert any("not comparable" in s.reason for s in result.skipped)


def test_an_uninterpretable_advisory_version_is_a_low_confidence_hit() -> None:
    [finding] = _run(_cpe(VIEWER, "7.0")).findings
    [evidence] = finding.evidence
    assert evidence.confidence is Confidence.LOW
    assert evidence.note == "version not interpretable: see vendor notes"


def test_a_different_cpe_part_lowers_the_confidence() -> None:
    [finding] = _run(_cpe(GATEWAY.replace(":o:", ":a:"), "4.0")).findings
    assert finding.evidence[0].confidence is Confidence.MEDIUM
    assert finding.evidence[0].note == "part 'a' vs advisory 'o'"


def test_the_csaf_hit_and_the_nvd_record_of_one_cve_are_one_finding() -> None:
    index = VulnIndex.build([simple("CVE-2099-0001", GATEWAY, version_end_excluding="4.2")])
    [finding] = _run(_cpe(GATEWAY, "4.1"), index=index).findings
    assert {e.matcher for e in finding.evidence} == {"nvd-cpe", "csaf-product"}


def test_existing_callers_keep_the_built_in_matchers_only() -> None:
    assert run([_cpe(GATEWAY, "4.1")], EMPTY).findings == ()
    keys = [m.key for m in with_csaf([ADVISORY])]
    assert keys == [*registry(), "csaf-product"]
