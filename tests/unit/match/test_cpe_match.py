"""CPE → NVD configurations: bounds, AND/OR/negate, platforms, near misses, unknown versions."""

from __future__ import annotations

from match_factories import comp, cpe, node, nvd, on_platform, platform, simple, vulnerable

from hemostat.domain.component import Component
from hemostat.domain.finding import Confidence, Finding, MatchKind
from hemostat.domain.vulnerability import Configuration, Vulnerability
from hemostat.match.index import VulnIndex
from hemostat.match.run import MatchResult, run

OPENSSL = simple(
    "CVE-2022-0778",
    cpe("openssl", "openssl"),
    version_start_including="1.1.0",
    version_end_excluding="1.1.1n",
)
WIN7 = cpe("microsoft", "windows_7", "-", part="o")
PYTHON_ON_WINDOWS = on_platform(
    "CVE-2018-25032",
    vulnerable(
        cpe("python", "python"), version_start_including="3.8.0", version_end_excluding="3.8.14"
    ),
    platform(WIN7),
)


def _run(components: list[Component], *records: Vulnerability) -> MatchResult:
    return run(components, VulnIndex.build(records))


def _one(components: list[Component], *records: Vulnerability) -> Finding:
    (finding,) = _run(components, *records).findings
    return finding


def _lib(version: str, vendor: str = "openssl", product: str = "openssl") -> Component:
    return comp("lib", product, version=version, cpes=(cpe(vendor, product, version),))


def test_bounds_with_openssl_letters() -> None:
    finding = _one([_lib("1.1.1k")], OPENSSL)
    (ev,) = finding.evidence
    assert (ev.matcher, ev.kind, ev.confidence) == ("nvd-cpe", MatchKind.CPE_EXACT, Confidence.HIGH)
    assert ev.identifier == "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"
    assert ev.matched == (
        "CVE-2022-0778: cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* [>=1.1.0, <1.1.1n]"
    )
    assert (ev.feed, ev.note) == ("nvd", "")
    assert finding.fixed_versions == ("1.1.1n",)
    assert finding.cwes == ("CWE-787",)
    for outside in ("1.1.1n", "1.1.1w", "1.0.2zd", "3.0.0"):
        assert _run([_lib(outside)], OPENSSL).findings == (), outside
    assert len(_run([_lib("1.1.0")], OPENSSL).findings) == 1  # start including


def test_start_excluding_and_end_including() -> None:
    rec = simple(
        "CVE-X",
        cpe("busybox", "busybox"),
        version_start_excluding="1.16.0",
        version_end_including="1.33.1",
    )
    hits = {
        v
        for v in ("1.16.0", "1.16.1", "1.33.1", "1.33.2")
        if _run([_lib(v, "busybox", "busybox")], rec).findings
    }
    assert hits == {"1.16.1", "1.33.1"}


def test_an_exact_criteria_version() -> None:
    rec = simple("CVE-Y", cpe("offis", "dcmtk", "3.6.6"))
    assert _run([_lib("3.6.6", "offis", "dcmtk")], rec).findings
    assert not _run([_lib("3.6.7", "offis", "dcmtk")], rec).findings


def test_the_component_version_is_used_when_its_cpe_has_none() -> None:
    component = comp("z", version="1.2.11", cpes=(cpe("zlib", "zlib"),))
    rec = simple("CVE-Z", cpe("zlib", "zlib"), version_end_excluding="1.2.12")
    assert _one([component], rec).vulnerability == "CVE-Z"


def test_running_on_a_platform_present_in_the_sbom() -> None:
    python = comp("py", version="3.8.10", cpes=(cpe("python", "python", "3.8.10"),))
    windows = comp(
        "win",
        "Windows 7",
        cpes=(cpe("microsoft", "windows_7", "-", part="o"),),
        type="operating-system",
    )
    finding = _one([python, windows], PYTHON_ON_WINDOWS)
    assert finding.component == "py"  # the platform itself is not vulnerable
    (ev,) = finding.evidence
    assert ev.confidence is Confidence.HIGH
    assert "AND with cpe:2.3:o:microsoft:windows_7:-" in ev.matched
    assert "(Windows 7)" in ev.matched


def test_an_absent_platform_is_not_reported_when_the_sbom_lists_another_os() -> None:
    python = comp("py", version="3.8.10", cpes=(cpe("python", "python", "3.8.10"),))
    linux = comp("os", "Linux", cpes=(cpe("linux", "linux_kernel", "5.10", part="o"),))
    assert _run([python, linux], PYTHON_ON_WINDOWS).findings == ()


def test_a_platform_is_unverified_when_the_sbom_has_no_os_at_all() -> None:
    python = comp("py", version="3.8.10", cpes=(cpe("python", "python", "3.8.10"),))
    (ev,) = _one([python], PYTHON_ON_WINDOWS).evidence
    assert ev.confidence is Confidence.MEDIUM
    assert ev.note == f"platform condition not verified: {WIN7}"


def test_a_generic_platform_product_is_met_by_a_specific_one_with_a_note() -> None:
    rec = on_platform(
        "CVE-W",
        vulnerable(cpe("python", "python"), version_end_excluding="3.9"),
        platform(cpe("microsoft", "windows", "-", part="o")),
    )
    python = comp("py", version="3.8.10", cpes=(cpe("python", "python", "3.8.10"),))
    win10 = comp("w", cpes=(cpe("microsoft", "windows_10_1809", "10.0.17763", part="o", hw="x64"),))
    (ev,) = _one([python, win10], rec).evidence
    assert ev.confidence is Confidence.MEDIUM
    assert ev.note == "platform 'microsoft:windows' taken as met by 'windows_10_1809'"


def test_firmware_on_hardware_is_unverified_without_hardware_in_the_sbom() -> None:
    rec = on_platform(
        "CVE-2017-12718",
        vulnerable(
            cpe("smiths-medical", "medfusion_4000_wireless_syringe_infusion_pump", "1.5", part="o")
        ),
        platform(
            cpe("smiths-medical", "medfusion_4000_wireless_syringe_infusion_pump", "-", part="h")
        ),
    )
    fw = comp(
        "fw",
        version="1.5",
        cpes=(
            cpe("smiths-medical", "medfusion_4000_wireless_syringe_infusion_pump", "1.5", part="o"),
        ),
    )
    (ev,) = _one([fw], rec).evidence
    assert ev.confidence is Confidence.MEDIUM
    assert ev.note.startswith("platform condition not verified: cpe:2.3:h:smiths-medical:")
    hw = comp(
        "hw",
        cpes=(
            cpe("smiths-medical", "medfusion_4000_wireless_syringe_infusion_pump", "-", part="h"),
        ),
    )
    (ev,) = _one([fw, hw], rec).evidence
    assert (ev.confidence, ev.note) == (Confidence.HIGH, "")


def test_a_platform_alone_never_makes_its_component_vulnerable() -> None:
    windows = comp("win", cpes=(WIN7,), type="operating-system")
    assert _run([windows], PYTHON_ON_WINDOWS).findings == ()


def test_negated_node_excludes() -> None:
    rec = nvd(
        "CVE-N",
        Configuration(
            (
                node(vulnerable(cpe("acme", "agent"), version_end_excluding="2.0")),
                node(platform(WIN7), negate=True),
            ),
            operator="AND",
        ),
    )
    agent = comp("a", version="1.0", cpes=(cpe("acme", "agent", "1.0"),))
    windows = comp("w", cpes=(WIN7,), type="operating-system")
    linux = comp("l", cpes=(cpe("linux", "linux_kernel", "5.10", part="o"),))
    assert _run([agent, windows], rec).findings == ()
    assert len(_run([agent, linux], rec).findings) == 1


def test_and_node_needs_every_entry() -> None:
    rec = nvd(
        "CVE-AND",
        Configuration(
            (
                node(
                    vulnerable(cpe("acme", "agent")),
                    platform(cpe("acme", "module", "-")),
                    operator="AND",
                ),
            )
        ),
    )
    agent = comp("a", version="1.0", cpes=(cpe("acme", "agent", "1.0"),))
    module = comp("m", cpes=(cpe("acme", "module", "-"),))
    assert _run([agent], rec).findings == ()
    assert len(_run([agent, module], rec).findings) == 1


def test_other_attributes_must_not_conflict() -> None:
    rec = simple("CVE-T", cpe("acme", "agent", "*", hw="x86"), version_end_excluding="2.0")
    x64 = comp("a", version="1.0", cpes=(cpe("acme", "agent", "1.0", hw="x64"),))
    anyhw = comp("b", version="1.0", cpes=(cpe("acme", "agent", "1.0"),))
    assert [f.component for f in _run([x64, anyhw], rec).findings] == ["b"]


def test_near_miss_vendor_spelling_is_reported_with_what_differed() -> None:
    rec = simple("CVE-2020-22284", cpe("lwip_project", "lwip"), version_end_including="2.1.2")
    finding = _one([_lib("2.1.2", "lwip", "lwip")], rec)
    (ev,) = finding.evidence
    assert ev.kind is MatchKind.CPE_NEAR
    assert ev.confidence is Confidence.MEDIUM
    assert ev.note == "vendor 'lwip' vs NVD 'lwip_project'"
    assert ev.identifier == "cpe:2.3:a:lwip:lwip:2.1.2:*:*:*:*:*:*:*"


def test_near_miss_part_letter_and_version_prefix() -> None:
    rec = simple("CVE-P", cpe("lwip_project", "lwip"), version_end_including="2.1.2")
    component = comp("l", cpes=(cpe("lwip_project", "lwip", "v2.1.2", part="o"),))
    (ev,) = _one([component], rec).evidence
    assert ev.kind is MatchKind.CPE_NEAR
    assert ev.note == "version 'v2.1.2' read as '2.1.2'; part 'o' vs NVD 'a'"
    assert ev.confidence is Confidence.MEDIUM
    assert not _run([comp("l", cpes=(cpe("lwip_project", "lwip", "R2.1.3"),))], rec).findings


def test_near_miss_product_typo_is_low_confidence() -> None:
    rec = simple("CVE-M", cpe("arm", "mbed_tls"), version_end_excluding="2.28.2")
    (ev,) = _one([_lib("2.16.0", "arm", "mbed_tsl")], rec).evidence
    assert (ev.kind, ev.confidence) == (MatchKind.CPE_NEAR, Confidence.LOW)
    assert ev.note == "product 'mbed_tsl' vs NVD 'mbed_tls'"


def test_nvd_dash_version_covers_all_versions_with_a_caveat() -> None:
    rec = simple("CVE-D", cpe("medtronic", "pump_firmware", "-", part="o"))
    component = comp(
        "fw", version="4.2", cpes=(cpe("medtronic", "pump_firmware", "4.2", part="o"),)
    )
    (ev,) = _one([component], rec).evidence
    assert ev.confidence is Confidence.MEDIUM
    assert "NVD lists no version" in ev.note


def test_no_version_skips_bounded_records_but_keeps_unbounded_ones() -> None:
    bounded = simple("CVE-B", cpe("zlib", "zlib"), version_end_excluding="1.2.12")
    every = simple("CVE-E", cpe("zlib", "zlib"))
    result = _run([comp("z", cpes=(cpe("zlib", "zlib"),))], bounded, every)
    assert [f.vulnerability for f in result.findings] == ["CVE-E"]
    (skip,) = result.skipped
    zlib = "cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*"
    assert skip.reason == f"no version for {zlib}: 1 NVD record(s) not evaluated (CVE-B)"


def test_an_invalid_cpe_is_skipped_with_the_reason() -> None:
    result = _run([comp("x", cpes=("cpe:2.3:q:bad",))], OPENSSL)
    (skip,) = result.skipped
    assert skip.reason.startswith("invalid CPE: ")


def test_a_record_is_one_hit_per_component_even_with_two_matching_configurations() -> None:
    rec = nvd(
        "CVE-2",
        Configuration((node(vulnerable(cpe("zlib", "zlib"), version_end_excluding="1.3")),)),
        Configuration((node(vulnerable(cpe("zlib", "zlib", "1.2.11"))),)),
    )
    finding = _one([_lib("1.2.11", "zlib", "zlib")], rec)
    assert len(finding.evidence) == 1
