"""VulnIndex: keys, normalization, withdrawn records, near-miss vocabulary."""

from __future__ import annotations

from match_factories import cpe, nvd, on_platform, osv, platform, simple, vulnerable

from hemostat.domain.finding import Confidence
from hemostat.match.index import VulnIndex, package_name_key


def test_packages_are_indexed_by_ecosystem_and_normalized_name() -> None:
    index = VulnIndex.build(
        [
            osv("PYSEC-1", "PyPI", "Django_REST.framework", ("introduced", "0")),
            osv("GHSA-npm", "npm", "@Scope/Pkg", ("introduced", "0")),
            osv("GO-1", "Go", "github.com/BurntSushi/toml", ("introduced", "0")),
        ]
    )
    assert [e.vuln.id for e in index.by_package("PyPI", "django-rest-framework")] == ["PYSEC-1"]
    assert [e.vuln.id for e in index.by_package("PyPI", "Django_Rest_Framework")] == ["PYSEC-1"]
    assert [e.vuln.id for e in index.by_package("npm", "@scope/pkg")] == ["GHSA-npm"]
    assert [e.vuln.id for e in index.by_package("Go", "github.com/burntsushi/toml")] == ["GO-1"]
    assert index.by_package("crates.io", "toml") == ()
    assert index.ecosystems == {"PyPI", "npm", "Go"}


def test_pypi_names_follow_pep_503() -> None:
    assert package_name_key("PyPI", "Foo.Bar__baz") == "foo-bar-baz"
    assert package_name_key("Maven", "org.Apache:Log4J") == "org.apache:log4j"
    assert package_name_key("Debian:12", "libssl3") == "libssl3"


def test_a_release_qualified_ecosystem_keeps_its_release_and_release_less_entries() -> None:
    index = VulnIndex.build(
        [
            osv("DSA-12", "Debian:12", "openssl", ("introduced", "0")),
            osv("DSA-11", "Debian:11", "openssl", ("introduced", "0")),
            osv("DEB-ANY", "Debian", "openssl", ("introduced", "0")),
        ]
    )
    assert {e.vuln.id for e in index.by_package("Debian:12", "openssl")} == {"DSA-12", "DEB-ANY"}
    assert len(index.by_package("Debian", "openssl")) == 3


def test_withdrawn_records_are_not_indexed_but_keep_their_keys() -> None:
    gone = osv("GHSA-gone", "PyPI", "requests", ("introduced", "0"), withdrawn=True)
    index = VulnIndex.build([gone])
    assert index.by_package("PyPI", "requests") == ()
    assert index.size == 0
    assert VulnIndex.keys_of(gone) == {"pkg:PyPI/requests"}


def test_only_vulnerable_cpe_matches_are_keys() -> None:
    smb = on_platform(
        "CVE-2017-0144",
        vulnerable(cpe("microsoft", "server_message_block", "1.0")),
        platform(cpe("microsoft", "windows_7", "-", part="o")),
    )
    index = VulnIndex.build([smb])
    assert index.by_cpe("microsoft", "server_message_block") == (smb,)
    assert index.by_cpe("microsoft", "windows_7") == ()
    assert VulnIndex.keys_of(smb) == {"cpe:microsoft:server_message_block"}


def test_keys_of_covers_packages_and_cpes() -> None:
    both = osv("PYSEC-2", "PyPI", "Pillow", ("introduced", "0"))
    assert VulnIndex.keys_of(both) == {"pkg:PyPI/pillow"}
    record = simple("CVE-1", cpe("OpenSSL", "OpenSSL"), version_end_excluding="1.1.1n")
    assert VulnIndex.keys_of(record) == {"cpe:openssl:openssl"}


def test_cpe_lookup_ignores_case_and_a_record_is_listed_once_per_product() -> None:
    record = nvd(
        "CVE-2",
        *list(simple("x", cpe("zlib", "zlib")).configurations),
        *list(simple("y", cpe("zlib", "zlib", "1.2.11")).configurations),
    )
    index = VulnIndex.build([record])
    assert index.by_cpe("ZLIB", "Zlib") == (record,)
    assert index.has_product("zlib", "zlib")
    assert index.part_of("zlib", "zlib") == "a"


def test_products_like_spelling_variants_are_medium_with_an_exact_note() -> None:
    index = VulnIndex.build([simple("CVE-3", cpe("lwip_project", "lwip"))])
    (near,) = index.products_like("lwip", "lwip")
    assert (near.vendor, near.product) == ("lwip_project", "lwip")
    assert near.confidence is Confidence.MEDIUM
    assert near.note == "vendor 'lwip' vs NVD 'lwip_project'"
    (near,) = index.products_like("LwIP-Project", "LWIP")
    assert near.note == "vendor 'lwip-project' vs NVD 'lwip_project'"


def test_products_like_edit_distance_and_other_vendor_are_low() -> None:
    index = VulnIndex.build(
        [simple("CVE-4", cpe("amazon", "freertos")), simple("CVE-5", cpe("arm", "mbed_tls"))]
    )
    (typo,) = index.products_like("arm", "mbedtls")
    assert (typo.product, typo.confidence) == ("mbed_tls", Confidence.MEDIUM)  # separators only
    (typo,) = index.products_like("arm", "mbed_tsl")
    assert (typo.product, typo.confidence) == ("mbed_tls", Confidence.LOW)
    assert typo.note == "product 'mbed_tsl' vs NVD 'mbed_tls'"
    (other,) = index.products_like("freertos", "freertos")
    assert (other.vendor, other.confidence) == ("amazon", Confidence.LOW)
    assert other.note == "vendor 'freertos' vs NVD 'amazon'"
    assert index.products_like("nobody", "nothing") == ()


def test_a_product_name_shared_by_many_vendors_is_not_a_near_miss() -> None:
    index = VulnIndex.build([simple(f"CVE-{i}", cpe(f"vendor{i}", "json")) for i in range(5)])
    assert index.products_like("someone", "json") == ()


def test_short_products_are_not_matched_by_edit_distance() -> None:
    index = VulnIndex.build([simple("CVE-6", cpe("ws_project", "ws"))])
    assert index.products_like("ws_project", "qs") == ()


def test_products_with_token() -> None:
    index = VulnIndex.build(
        [simple("CVE-7", cpe("offis", "dcmtk")), simple("CVE-8", cpe("a", "dicom_viewer"))]
    )
    assert index.products_with_token("dicom") == {("a", "dicom_viewer")}
    assert index.products_with_token("dcmtk") == {("offis", "dcmtk")}
    assert index.products_with_token("absent") == frozenset()


def test_cpe_entries_keep_only_the_configurations_naming_the_product() -> None:
    openssl = simple("CVE-2014-0160", cpe("openssl", "openssl"), version_end_excluding="1.0.1g")
    filezilla = simple("x", cpe("filezilla-project", "filezilla_server"))
    record = nvd("CVE-2014-0160", *openssl.configurations, *filezilla.configurations)
    index = VulnIndex.build([record])
    (entry,) = index.cpe_entries("openssl", "openssl")
    assert entry.vuln is record
    assert entry.configurations == openssl.configurations
    assert index.by_cpe("filezilla-project", "filezilla_server") == (record,)
