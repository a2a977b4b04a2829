"""purl → OSV: ecosystems, names, OSV range semantics, evidence, never "not affected" by error."""

from __future__ import annotations

from match_factories import SNAPSHOT, comp, osv

from hemostat.domain.component import Component
from hemostat.domain.finding import Confidence, MatchKind
from hemostat.domain.purl import purl_parts
from hemostat.domain.vulnerability import Vulnerability
from hemostat.match.index import VulnIndex
from hemostat.match.purl import osv_ecosystem, osv_package_name
from hemostat.match.run import run

JINJA = osv(
    "PYSEC-2021-66",
    "PyPI",
    "Jinja2",
    ("introduced", "0"),
    ("fixed", "2.11.3"),
    aliases=("CVE-2020-28493", "GHSA-g3rq-g295-4j3m"),
    summary="ReDoS in the urlize filter",
)


def _ids(components: list[Component], *records: Vulnerability) -> set[tuple[str, str]]:
    result = run(components, VulnIndex.build(records))
    return {(f.component, f.vulnerability) for f in result.findings}


def test_a_version_in_range_is_a_finding_with_full_evidence() -> None:
    result = run([comp("j", purl="pkg:pypi/jinja2@2.11.2")], VulnIndex.build([JINJA]))
    (finding,) = result.findings
    assert finding.vulnerability == "CVE-2020-28493"
    assert finding.aliases == ("GHSA-g3rq-g295-4j3m", "PYSEC-2021-66")
    assert finding.fixed_versions == ("2.11.3",)
    assert finding.identity == "purl:pkg:pypi/jinja2"
    assert finding.summary == "ReDoS in the urlize filter"
    (ev,) = finding.evidence
    assert (ev.matcher, ev.kind, ev.confidence) == (
        "osv-purl",
        MatchKind.PURL_RANGE,
        Confidence.HIGH,
    )
    assert ev.identifier == "pkg:pypi/jinja2@2.11.2"
    assert ev.matched == "PYSEC-2021-66 PyPI/Jinja2: <2.11.3 (ECOSYSTEM)"
    assert (ev.feed, ev.snapshot) == ("osv", SNAPSHOT)
    assert result.skipped == ()


def test_the_fixed_version_and_later_ones_do_not_match() -> None:
    for version in ("2.11.3", "3.1.2"):
        assert _ids([comp("j", purl=f"pkg:pypi/jinja2@{version}")], JINJA) == set()


def test_explicit_versions_list_matches_without_a_range() -> None:
    listed = osv("PYSEC-L", "PyPI", "pkg", versions=("1.0", "1.1"))
    assert _ids([comp("a", purl="pkg:pypi/pkg@1.1")], listed) == {("a", "PYSEC-L")}
    assert _ids([comp("a", purl="pkg:pypi/pkg@1.2")], listed) == set()


def test_last_affected_is_inclusive_and_introduced_is_a_lower_bound() -> None:
    rec = osv(
        "RUSTSEC-1", "crates.io", "smallvec", ("introduced", "1.0.0"), ("last_affected", "1.6.0")
    )
    assert _ids([comp("a", purl="pkg:cargo/smallvec@1.6.0")], rec) == {("a", "RUSTSEC-1")}
    assert _ids([comp("a", purl="pkg:cargo/smallvec@1.6.1")], rec) == set()
    assert _ids([comp("a", purl="pkg:cargo/smallvec@0.9.0")], rec) == set()


def test_pypi_names_are_compared_after_pep_503_normalization() -> None:
    rec = osv("PYSEC-2", "PyPI", "zope.interface", ("introduced", "0"), ("fixed", "5.0"))
    assert _ids([comp("z", purl="pkg:pypi/Zope_Interface@4.7")], rec) == {("z", "PYSEC-2")}


def test_npm_scoped_and_go_module_names() -> None:
    npm = osv("GHSA-n", "npm", "@babel/traverse", ("introduced", "0"), ("fixed", "7.23.2"))
    go = osv("GO-2022-1", "Go", "github.com/gin-gonic/gin", ("introduced", "0"), ("fixed", "1.9.1"))
    components = [
        comp("n", purl="pkg:npm/%40babel/traverse@7.22.0"),
        comp("g", purl="pkg:golang/github.com/gin-gonic/gin@v1.9.0"),
        comp("g2", purl="pkg:golang/github.com/gin-gonic/gin@v1.9.1"),
    ]
    assert _ids(components, npm, go) == {("n", "GHSA-n"), ("g", "GO-2022-1")}


def test_purl_to_osv_names_and_ecosystems() -> None:
    assert osv_package_name(purl_parts("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")) == (
        "org.apache.logging.log4j:log4j-core"
    )
    assert osv_package_name(purl_parts("pkg:deb/debian/openssl@3.0.11-1")) == "openssl"
    assert (
        osv_package_name(purl_parts("pkg:composer/laravel/framework@8.0.0")) == "laravel/framework"
    )
    assert (
        osv_ecosystem(purl_parts("pkg:deb/debian/openssl@3.0.11-1?distro=debian-12")) == "Debian:12"
    )
    assert (
        osv_ecosystem(purl_parts("pkg:deb/debian/openssl@3.0.11-1?distro=bookworm")) == "Debian:12"
    )
    assert (
        osv_ecosystem(purl_parts("pkg:apk/alpine/musl@1.2.4-r0?distro=alpine-3.18.4"))
        == "Alpine:v3.18"
    )
    assert osv_ecosystem(purl_parts("pkg:cargo/smallvec@1.0.0")) == "crates.io"
    assert osv_ecosystem(purl_parts("pkg:generic/zlib@1.2.11")) is None


def test_a_distro_release_keeps_to_its_own_advisories() -> None:
    bookworm = osv("DEB-12", "Debian:12", "openssl", ("introduced", "0"), ("fixed", "3.0.13-1"))
    bullseye = osv("DEB-11", "Debian:11", "openssl", ("introduced", "0"), ("fixed", "1.1.1w-0"))
    found = _ids(
        [comp("o", purl="pkg:deb/debian/openssl@1.1.1n-0?distro=debian-12")], bookworm, bullseye
    )
    assert found == {("o", "DEB-12")}


def test_an_unparseable_version_is_skipped_never_not_affected() -> None:
    result = run([comp("j", purl="pkg:pypi/jinja2@not%20a%20version")], VulnIndex.build([JINJA]))
    assert result.findings == ()
    (skip,) = result.skipped
    assert skip.reason == "version 'not a version' is not a valid PyPI version"
    assert skip.component == "j"


def test_a_missing_version_is_skipped() -> None:
    result = run([comp("j", purl="pkg:pypi/jinja2")], VulnIndex.build([JINJA]))
    assert [s.reason for s in result.skipped] == ["no version for pkg:pypi/jinja2"]


def test_the_component_version_is_used_when_the_purl_has_none() -> None:
    assert _ids([comp("j", version="2.10", purl="pkg:pypi/jinja2")], JINJA) == {
        ("j", "CVE-2020-28493")
    }


def test_withdrawn_advisories_never_match() -> None:
    gone = osv("GHSA-w", "PyPI", "jinja2", ("introduced", "0"), withdrawn=True)
    assert _ids([comp("j", purl="pkg:pypi/jinja2@2.0")], gone, JINJA) == {("j", "CVE-2020-28493")}


def test_an_ecosystem_without_advisories_is_skipped_with_that_reason() -> None:
    result = run([comp("r", purl="pkg:npm/react@16.14.0")], VulnIndex.build([JINJA]))
    (skip,) = result.skipped
    assert skip.reason == "no advisories indexed for ecosystem npm"


def test_a_generic_purl_without_cpe_is_skipped_and_a_package_without_advisories_is_not() -> None:
    result = run(
        [comp("z", purl="pkg:generic/zlib@1.2.11"), comp("m", purl="pkg:pypi/markupsafe@1.1.1")],
        VulnIndex.build([JINJA]),
    )
    assert [(s.component, s.reason) for s in result.skipped] == [
        ("z", "purl type 'generic' has no OSV ecosystem")
    ]


def test_an_invalid_purl_is_skipped_with_the_parser_message() -> None:
    result = run([comp("x", purl="pkg:pypi")], VulnIndex.build([JINJA]))
    (skip,) = result.skipped
    assert skip.reason.startswith("invalid purl: ")


def test_a_range_with_an_unreadable_event_does_not_stop_the_others() -> None:
    broken = osv("PYSEC-B", "PyPI", "jinja2", ("introduced", "0"), ("fixed", "abc123.patch"))
    found = _ids([comp("j", purl="pkg:pypi/jinja2@2.11.2")], broken, JINJA)
    assert ("j", "CVE-2020-28493") in found


def test_a_legacy_version_is_still_found_in_an_explicit_versions_list() -> None:
    legacy = osv("PYSEC-OLD", "PyPI", "buildbot", ("introduced", "0"), versions=("0.8.6p1",))
    ranged = osv("PYSEC-NEW", "PyPI", "buildbot", ("introduced", "0"), ("fixed", "1.8.2"))
    result = run([comp("b", purl="pkg:pypi/buildbot@0.8.6p1")], VulnIndex.build([legacy, ranged]))
    assert [f.vulnerability for f in result.findings] == ["PYSEC-OLD"]
    assert [s.reason for s in result.skipped] == ["version '0.8.6p1' is not a valid PyPI version"]
