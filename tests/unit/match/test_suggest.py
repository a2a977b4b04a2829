"""CPE suggestions for components without identifiers, and the near-miss name helpers."""

from __future__ import annotations

from match_factories import comp, cpe, simple

from hemostat.domain.finding import Confidence
from hemostat.match.index import VulnIndex
from hemostat.match.suggest import canon_product, canon_vendor, suggest_cpes, tokens, within_edits


def _index() -> VulnIndex:
    return VulnIndex.build(
        [
            simple("CVE-1", cpe("lwip_project", "lwip")),
            simple("CVE-2", cpe("offis", "dcmtk")),
            simple("CVE-3", cpe("microsoft", "sql_server_2019")),
            simple("CVE-4", cpe("acme", "dicom_viewer")),
            simple("CVE-5", cpe("other", "viewer")),
            simple("CVE-6", cpe("amazon", "freertos", part="o")),
            simple("CVE-7", cpe("microsoft", "defender")),
        ]
    )


def test_canonical_forms() -> None:
    assert canon_vendor("lwip_project") == canon_vendor("LwIP") == "lwip"
    assert canon_product("Free_RTOS") == canon_product("free-rtos") == "freertos"
    assert canon_product("visual_c\\+\\+") == "visualc++"
    assert tokens("Microsoft Corporation, Inc.") == {"microsoft"}


def test_within_edits() -> None:
    assert within_edits("mbed_tls", "mbed_tsl")
    assert within_edits("openssl", "opensll")
    assert not within_edits("openssl", "boringssl")
    assert not within_edits("abc", "abcdef")


def test_the_product_name_with_its_vendor_is_a_high_confidence_suggestion() -> None:
    (best, *_) = suggest_cpes(comp("c", "lwIP", version="2.1.2"), _index())
    assert best.cpe == "cpe:2.3:a:lwip_project:lwip:2.1.2:*:*:*:*:*:*:*"
    assert best.confidence is Confidence.HIGH
    assert "lwip" in best.reason


def test_the_supplier_counts_as_vendor_evidence_and_the_part_is_nvds() -> None:
    found = suggest_cpes(
        comp("c", "FreeRTOS kernel", version="10.4.3", supplier="Amazon"), _index()
    )
    assert found[0].cpe == "cpe:2.3:o:amazon:freertos:10.4.3:*:*:*:*:*:*:*"
    assert found[0].confidence is Confidence.MEDIUM


def test_versions_are_escaped_and_missing_ones_are_wildcards() -> None:
    (hit, *_) = suggest_cpes(comp("c", "DCMTK", version="3.6.6+build 1"), _index())
    assert hit.cpe == "cpe:2.3:a:offis:dcmtk:3.6.6\\+build\\ 1:*:*:*:*:*:*:*"
    (hit, *_) = suggest_cpes(comp("c", "DCMTK"), _index())
    assert hit.cpe.split(":")[5] == "*"


def test_one_generic_shared_word_is_not_a_suggestion() -> None:
    found = suggest_cpes(comp("c", "Lumenview DX Viewer", supplier="Radiant Imaging"), _index())
    assert found == ()


def test_multi_word_products_inside_the_name_are_low_confidence_and_ranked() -> None:
    found = suggest_cpes(comp("c", "Acme DICOM Viewer Pro", supplier="Someone"), _index())
    assert next(s.cpe.split(":")[3:5] for s in found) == ["acme", "dicom_viewer"]
    assert found[0].confidence is Confidence.MEDIUM  # 'acme' in the name counts for the vendor


def test_at_most_three_suggestions() -> None:
    index = VulnIndex.build([simple(f"CVE-{i}", cpe(f"v{i}", "tiny_db")) for i in range(6)])
    assert len(suggest_cpes(comp("c", "Tiny DB"), index)) == 3
    assert suggest_cpes(comp("c", "!!!"), index) == ()


def test_names_differing_only_in_numbers_are_other_releases_not_typos() -> None:
    assert not within_edits("windows_10_1809", "windows_10_1903")
    assert within_edits("libpng16", "libpng")
