"""``run``'s direct path (a component without CPEs: findings built straight from the package
table) gives exactly what the general path (hits → alias merge → findings) gives."""

from __future__ import annotations

from datetime import date

from match_factories import comp, cpe, osv, simple

from hemostat.domain.vulnerability import EpssScore, KevEntry
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import registry
from hemostat.match.run import run

ADVISORIES = [
    osv("GHSA-a", "PyPI", "jinja2", ("introduced", "0"), ("fixed", "2.11.3"),
        aliases=("CVE-2020-28493",), summary="ReDoS"),
    osv("PYSEC-1", "PyPI", "jinja2", ("introduced", "0"), ("fixed", "2.10.1"),
        aliases=("CVE-2019-10906",)),
    osv("GHSA-x", "PyPI", "requests", ("introduced", "0"), ("fixed", "2.20.0"),
        aliases=("PYSEC-2018-28",)),
    osv("PYSEC-2018-28", "PyPI", "requests", ("introduced", "0"), ("fixed", "2.20.0"),
        aliases=("GHSA-x",)),  # the same vulnerability twice: merged, so the general path
    osv("GO-1", "Go", "golang.org/x/net", ("introduced", "0"), ("fixed", "0.7.0")),
    osv("DSA-1", "Debian:12", "openssl", ("introduced", "0"), ("fixed", "3.0.11-1~deb12u1")),
    osv("DSA-2", "Debian:11", "openssl", ("introduced", "0"), ("fixed", "3.0.12-1~deb11u1")),
    osv("OSV-L", "npm", "left-pad", versions=("1.0.0", "1.1.0")),
    simple("CVE-2022-37434", cpe("zlib", "zlib"), version_end_excluding="1.2.12"),
]  # fmt: skip
COMPONENTS = [
    comp("jinja2", purl="pkg:pypi/jinja2@2.10"),
    comp("jinja2-new", purl="pkg:pypi/Jinja2@3.1.4"),
    comp("requests", purl="pkg:pypi/requests@2.19.0"),
    comp("net", purl="pkg:golang/golang.org/x/net@v0.5.0"),
    comp("ssl12", purl="pkg:deb/debian/openssl@3.0.9-1?distro=debian-12"),
    comp("ssl", purl="pkg:deb/debian/openssl@3.0.9-1"),
    comp("pad", purl="pkg:npm/left-pad@1.1.0"),
    comp("pad-odd", purl="pkg:npm/left-pad@not.a.version"),
    comp("no-version", purl="pkg:pypi/jinja2"),
    comp("bad", purl="pkg:pypi/"),
    comp("unknown", purl="pkg:pypi/nothing-known@1.0"),
    comp("cargo", purl="pkg:cargo/serde@1.0.0"),
    comp("zlib", version="1.2.11", cpes=(cpe("zlib", "zlib", "1.2.11"),)),
    comp("both", purl="pkg:pypi/jinja2@2.10", cpes=(cpe("zlib", "zlib", "1.2.11"),)),
    comp("nothing"),
]
KEV = {
    "CVE-2020-28493": KevEntry(
        cve="CVE-2020-28493", vendor="pallets", product="jinja2", name="ReDoS",
        date_added=date(2024, 1, 2), due_date=None, required_action="update",
        ransomware="Unknown", notes="", cwes=(), provenance=None,
    )
}  # fmt: skip
EPSS = {"CVE-2019-10906": EpssScore("CVE-2019-10906", 0.2, 0.9, date(2025, 1, 1))}


def test_direct_and_general_paths_agree() -> None:
    index = VulnIndex.build(ADVISORIES)
    for kev, epss in ((None, None), (KEV, EPSS)):
        direct = run(COMPONENTS, index, kev=kev, epss=epss)
        general = run(COMPONENTS, index, kev=kev, epss=epss, matchers=registry().values())
        assert direct == general
        assert direct.findings and direct.skipped
    found = {(f.component, f.vulnerability) for f in direct.findings}
    assert ("jinja2", "CVE-2020-28493") in found and ("requests", "GHSA-x") in found
    assert ("ssl12", "DSA-1") in found and ("ssl12", "DSA-2") not in found  # Debian 12 only
    assert {("ssl", "DSA-1"), ("ssl", "DSA-2")} <= found  # no release: every release
    [merged] = [f for f in direct.findings if f.component == "requests"]
    assert len(merged.evidence) == 2  # both records, one finding
    [kev_hit] = [f for f in direct.findings if f.vulnerability == "CVE-2020-28493"
                 and f.component == "jinja2"]  # fmt: skip
    assert kev_hit.kev is not None
