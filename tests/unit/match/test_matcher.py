"""The matcher seam: registry, alias de-duplication, enrichment, Skipped composition."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from match_factories import SNAPSHOT, comp, cpe, osv, simple

from hemostat.domain.component import Component
from hemostat.domain.finding import Confidence, MatchEvidence, MatchKind
from hemostat.domain.vulnerability import CvssScore, EpssScore, KevEntry, Vulnerability
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import Hit, MatchOutcome, SbomContext, findings_for, registry
from hemostat.match.run import run

CVSS = CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL", "nvd")
KEV = KevEntry(
    cve="CVE-2021-44228",
    vendor="Apache",
    product="Log4j2",
    name="Log4Shell",
    date_added=date(2021, 12, 10),
    due_date=date(2021, 12, 24),
    required_action="Apply updates",
    ransomware="Known",
)
EPSS = EpssScore("CVE-2021-44228", 0.97, 0.999, date(2026, 8, 16))


def _osv_and_nvd() -> tuple[Vulnerability, Vulnerability]:
    ghsa = osv(
        "GHSA-jfh8-c2jp-5v3q",
        "Maven",
        "org.apache.logging.log4j:log4j-core",
        ("introduced", "2.0-beta9"),
        ("fixed", "2.15.0"),
        aliases=("CVE-2021-44228",),
        summary="Remote code injection in Log4j",
    )
    record = simple(
        "CVE-2021-44228",
        cpe("apache", "log4j"),
        version_start_including="2.0.1",
        version_end_excluding="2.12.2",
    )
    return ghsa, replace(record, cvss=(CVSS,), summary="Apache Log4j2 JNDI")


LOG4J = comp(
    "log4j",
    "log4j-core",
    version="2.12.1",
    purl="pkg:maven/org.apache.logging.log4j/log4j-core@2.12.1",
    cpes=(cpe("apache", "log4j", "2.12.1"),),
)


def test_registry_has_one_matcher_per_identifier_kind() -> None:
    assert sorted(registry()) == ["nvd-cpe", "osv-purl"]
    assert all(key == m.key for key, m in registry().items())


def test_osv_and_nvd_for_the_same_cve_are_one_finding_with_two_evidences() -> None:
    ghsa, record = _osv_and_nvd()
    result = run(
        [LOG4J], VulnIndex.build([ghsa, record]), kev={KEV.cve: KEV}, epss={EPSS.cve: EPSS}
    )
    (finding,) = result.findings
    assert finding.vulnerability == "CVE-2021-44228"
    assert finding.aliases == ("GHSA-jfh8-c2jp-5v3q",)
    assert sorted(e.matcher for e in finding.evidence) == ["nvd-cpe", "osv-purl"]
    assert {e.feed for e in finding.evidence} == {"osv", "nvd"}
    assert finding.summary == "Apache Log4j2 JNDI"  # the primary (CVE) record's own summary first
    assert finding.cvss == (CVSS,)
    assert finding.cwes == ("CWE-787", "CWE-79")
    assert finding.fixed_versions == ("2.12.2", "2.15.0")
    assert finding.kev is KEV
    assert finding.epss is EPSS
    assert result.skipped == ()


def test_kev_and_epss_are_found_through_a_cve_alias() -> None:
    ghsa, _ = _osv_and_nvd()
    (finding,) = run([LOG4J], VulnIndex.build([ghsa]), kev={KEV.cve: KEV}).findings
    assert finding.vulnerability == "CVE-2021-44228"
    assert finding.kev is KEV
    assert finding.epss is None


def _hit(v: Vulnerability, matched: str = "r") -> Hit:
    ev = MatchEvidence("osv-purl", MatchKind.PURL_RANGE, "pkg:x", matched, "osv", SNAPSHOT)
    return Hit(v, ev)


def test_aliases_merge_transitively_and_the_smallest_id_leads_without_a_cve() -> None:
    a = osv("PYSEC-2", "PyPI", "p", aliases=("GHSA-b",))
    b = osv("GHSA-b", "PyPI", "p", aliases=("OSV-c",))
    c = osv("OSV-c", "PyPI", "p")
    other = osv("PYSEC-9", "PyPI", "p")
    found = findings_for(comp("p"), [_hit(a), _hit(b, "s"), _hit(c, "t"), _hit(other)])
    assert [(f.vulnerability, f.aliases) for f in found] == [
        ("GHSA-b", ("OSV-c", "PYSEC-2")),
        ("PYSEC-9", ()),
    ]
    assert len(found[0].evidence) == 3


def test_the_lexicographically_smallest_cve_leads_when_a_record_has_several() -> None:
    v = osv("GHSA-x", "PyPI", "p", aliases=("CVE-2021-2", "CVE-2021-1"))
    (finding,) = findings_for(comp("p"), [_hit(v)])
    assert finding.vulnerability == "CVE-2021-1"
    assert finding.aliases == ("CVE-2021-2", "GHSA-x")


def test_identical_evidence_is_kept_once() -> None:
    v = osv("GHSA-x", "PyPI", "p")
    (finding,) = findings_for(comp("p"), [_hit(v), _hit(v)])
    assert len(finding.evidence) == 1


class _Fixed:
    """A custom matcher: matches every component to one record."""

    key = "fixed"

    def __init__(self, vuln: Vulnerability) -> None:
        self.vuln = vuln

    def match(self, component: Component, index: VulnIndex, sbom: SbomContext) -> MatchOutcome:
        ev = MatchEvidence(
            self.key, MatchKind.CSAF_PRODUCT, component.name, "all", "csaf", SNAPSHOT
        )
        return MatchOutcome(True, (Hit(self.vuln, ev),))


def test_run_accepts_other_matchers() -> None:
    v = osv("CSAF-1", "PyPI", "p")
    result = run([comp("a"), comp("b")], VulnIndex.build([]), matchers=[_Fixed(v)])
    assert [(f.component, f.vulnerability) for f in result.findings] == [
        ("a", "CSAF-1"),
        ("b", "CSAF-1"),
    ]
    assert result.skipped == ()


def test_no_purl_or_cpe_is_skipped_with_suggestions() -> None:
    index = VulnIndex.build([simple("CVE-1", cpe("lwip_project", "lwip"))])
    (skip,) = run([comp("l", "lwIP", version="2.1.3")], index).skipped
    assert skip.reason == "no purl or CPE"
    assert skip.name == "lwIP"
    (suggestion,) = skip.suggestions
    assert suggestion.cpe == "cpe:2.3:a:lwip_project:lwip:2.1.3:*:*:*:*:*:*:*"
    assert suggestion.confidence is Confidence.HIGH


def test_a_purl_without_an_ecosystem_falls_back_to_the_cpe() -> None:
    index = VulnIndex.build([simple("CVE-Z", cpe("zlib", "zlib"), version_end_excluding="1.2.12")])
    zlib = comp("z", purl="pkg:generic/zlib@1.2.11", cpes=(cpe("zlib", "zlib", "1.2.11"),))
    result = run([zlib], index)
    assert [f.vulnerability for f in result.findings] == ["CVE-Z"]
    assert result.skipped == ()


def test_a_bad_cpe_next_to_a_good_purl_is_still_reported() -> None:
    index = VulnIndex.build([osv("PYSEC-1", "PyPI", "p", ("introduced", "0"))])
    both = comp("p", purl="pkg:pypi/p@1.0", cpes=("cpe:2.3:a:broken",))
    result = run([both], index)
    assert [f.vulnerability for f in result.findings] == ["PYSEC-1"]
    assert [s.reason.split(":")[0] for s in result.skipped] == ["invalid CPE"]


def test_sbom_context_knows_the_platform_parts() -> None:
    ctx = SbomContext.of(
        [
            comp("os", type="operating-system"),
            comp("fw", cpes=(cpe("acme", "pump", "1.0", part="h"), "not a cpe")),
        ]
    )
    assert ctx.parts == {"o", "h"}
    assert list(ctx.platforms) == [("acme", "pump")]


def test_an_unusable_identifier_alone_carries_the_suggestions() -> None:
    index = VulnIndex.build([simple("CVE-1", cpe("offis", "dcmtk"))])
    (skip,) = run([comp("d", "DCMTK", version="3.6.6", cpes=("cpe:2.3:a:offis",))], index).skipped
    assert skip.reason.startswith("invalid CPE: ")
    assert [s.cpe for s in skip.suggestions] == ["cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*"]


def test_unrelated_hits_stay_apart_and_a_shared_alias_alone_joins_them() -> None:
    a = osv("GHSA-a", "PyPI", "p", aliases=("CVE-2020-1",))
    b = osv("GHSA-b", "PyPI", "p", aliases=("CVE-2020-2",))
    c = osv("PYSEC-c", "PyPI", "p", aliases=("CVE-2020-1",))
    apart = findings_for(comp("p"), [_hit(b), _hit(a)])
    assert [(f.vulnerability, f.aliases) for f in apart] == [
        ("CVE-2020-1", ("GHSA-a",)),
        ("CVE-2020-2", ("GHSA-b",)),
    ]
    joined = findings_for(comp("p"), [_hit(a), _hit(b), _hit(c, "s")])
    assert [(f.vulnerability, f.aliases) for f in joined] == [
        ("CVE-2020-1", ("GHSA-a", "PYSEC-c")),
        ("CVE-2020-2", ("GHSA-b",)),
    ]
