"""SBOM diff semantics: pairing by identity, upgrades, repeated identities."""

from __future__ import annotations

from hemostat.domain.component import Component, Hash
from hemostat.domain.diff import diff


def comp(name: str, version: str, **kw: object) -> Component:
    return Component(bom_ref=f"{name}@{version}", name=name, version=version, **kw)  # type: ignore[arg-type]


def test_upgrade_is_one_change_not_remove_plus_add() -> None:
    a = comp(
        "openssl",
        "1.1.1k",
        purl="pkg:generic/openssl@1.1.1k",
        cpes=("cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*",),
        hashes=(Hash("SHA-256", "aa"),),
    )
    b = comp(
        "openssl",
        "3.0.13",
        purl="pkg:generic/openssl@3.0.13",
        cpes=("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",),
        hashes=(Hash("SHA-256", "bb"),),
    )
    d = diff((a,), (b,))
    assert not d.added and not d.removed
    [change] = d.changed
    assert [(f.field, f.before, f.after) for f in change.changes] == [
        ("version", "1.1.1k", "3.0.13")
    ]


def test_hash_change_without_version_change_is_reported() -> None:
    a = comp("zlib", "1.2.11", purl="pkg:generic/zlib@1.2.11", hashes=(Hash("SHA-256", "aa"),))
    b = comp("zlib", "1.2.11", purl="pkg:generic/zlib@1.2.11", hashes=(Hash("SHA-256", "bb"),))
    [change] = diff((a,), (b,)).changed
    assert [f.field for f in change.changes] == ["hashes"]


def test_identity_change_is_remove_plus_add_and_unchanged_counted() -> None:
    keep = comp("zlib", "1.2.11", purl="pkg:generic/zlib@1.2.11")
    old = comp("mbedtls", "2.16.6", purl="pkg:github/armmbed/mbedtls@mbedtls-2.16.6")
    new = comp("mbedtls", "2.28.5", purl="pkg:github/mbed-tls/mbedtls@mbedtls-2.28.5")
    d = diff((keep, old), (new, keep))
    assert [c.purl for c in d.removed] == [old.purl]
    assert [c.purl for c in d.added] == [new.purl]
    assert d.unchanged == 1 and not d.changed


def test_repeated_identity_pairs_by_version() -> None:
    a = (
        comp("lodash", "4.17.20", purl="pkg:npm/lodash@4.17.20"),
        comp("lodash", "3.10.1", purl="pkg:npm/lodash@3.10.1"),
    )
    b = (
        comp("lodash", "4.17.21", purl="pkg:npm/lodash@4.17.21"),
        comp("lodash", "3.10.1", purl="pkg:npm/lodash@3.10.1"),
    )
    d = diff(a, b)
    assert d.unchanged == 1
    assert [(c.changes[0].before, c.changes[0].after) for c in d.changed] == [
        ("4.17.20", "4.17.21")
    ]
    assert not d.added and not d.removed


def test_no_purl_components_pair_by_type_supplier_name() -> None:
    a = comp("drug-library-parser", "3.2.0", supplier="Example Medical")
    b = comp("drug-library-parser", "3.3.0", supplier="Example Medical")
    [change] = diff((a,), (b,)).changed
    assert change.identity == "name:library/example medical/drug-library-parser"
