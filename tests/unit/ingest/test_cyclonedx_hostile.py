"""Hostile CycloneDX input (RELIABILITY.md §2.1-2.3): every case ends in a specific IngestError,
never another exception, never a network or file access."""

from __future__ import annotations

import contextlib
import socket
import zlib
from collections.abc import Iterator

import pytest
from cdx_samples import bom_xml, json_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemostat import ingest
from hemostat.errors import (
    ForbiddenXml,
    IngestError,
    InputTooDeep,
    InputTooLarge,
    InvalidEncoding,
    MalformedDocument,
)
from hemostat.ingest import cyclonedx_xml
from hemostat.ingest.reader import Limits
from hemostat.ingest.vex_read import read_vex

NS = "http://cyclonedx.org/schema/bom/1.5"
COMPONENT = '<components><component type="library"><name>{}</name></component></components>'


@pytest.fixture
def canary() -> Iterator[tuple[str, socket.socket]]:
    """A loopback listener that must never see a connection."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield f"http://127.0.0.1:{server.getsockname()[1]}", server
    server.close()


def assert_untouched(server: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        server.accept()


# --- XML: DTDs, entities, external resources --------------------------------------------------


def test_xxe_file_entity_is_refused_before_parsing() -> None:
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<bom xmlns="{NS}">{COMPONENT.format("&xxe;")}</bom>'
    ).encode()
    with pytest.raises(ForbiddenXml) as exc:
        ingest.read(data)
    assert exc.value.code == "xml_dtd_forbidden"
    assert "root:" not in str(exc.value)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE bom [<!ENTITY xxe SYSTEM "{url}/entity">]>',
        '<!DOCTYPE bom [<!ENTITY % p SYSTEM "{url}/param"> %p;]>',
        '<!DOCTYPE bom SYSTEM "{url}/external.dtd">',
        '<!doctype bom PUBLIC "-//x//y" "{url}/public.dtd">',
    ],
)
def test_xxe_network_entity_never_connects(doctype: str, canary: tuple[str, socket.socket]) -> None:
    url, server = canary
    data = (
        f'<?xml version="1.0"?><!-- a comment --><?pi x?>\n{doctype.format(url=url)}\n'
        f'<bom xmlns="{NS}">{COMPONENT.format("&xxe;")}</bom>'
    ).encode()
    with pytest.raises(ForbiddenXml):
        ingest.read(data)
    assert_untouched(server)


def test_billion_laughs_is_refused() -> None:
    lol = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    data = (
        f'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY lol0 "lol">{lol}]>'
        f'<bom xmlns="{NS}">{COMPONENT.format("&lol9;")}</bom>'
    ).encode()
    with pytest.raises(ForbiddenXml):
        ingest.read(data)


def test_doctype_is_refused_even_if_the_prescan_missed_it(
    monkeypatch: pytest.MonkeyPatch, canary: tuple[str, socket.socket]
) -> None:
    url, server = canary
    monkeypatch.setattr(cyclonedx_xml, "refuse_dtd", lambda data, source: None)
    data = (
        f'<!DOCTYPE bom [<!ENTITY xxe SYSTEM "{url}/e"><!ENTITY in "inner">]>'
        f'<bom xmlns="{NS}">{COMPONENT.format("&xxe;&in;")}</bom>'
    ).encode()
    with pytest.raises(ForbiddenXml):
        ingest.read(data)
    assert_untouched(server)


def test_xinclude_and_remote_schema_location_are_ignored(
    canary: tuple[str, socket.socket],
) -> None:
    url, server = canary
    ns = "http://cyclonedx.org/schema/bom/1.2"
    data = (
        f'<bom xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="{ns} {url}/bom.xsd" version="1">'
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/inc.xml"/>'
        '<components><component type="library"><name>a</name><version>1</version>'
        "</component></components></bom>"
    ).encode()
    assert [c.name for c in ingest.read(data).components] == ["a"]
    assert_untouched(server)


def test_100k_deep_xml() -> None:
    n = 100_000
    data = f'<bom xmlns="{NS}">'.encode() + b"<a>" * n + b"</a>" * n + b"</bom>"
    with pytest.raises(InputTooDeep) as exc:
        ingest.read(data)
    assert exc.value.code == "too_deep"


def test_deeply_nested_xml_components() -> None:
    n = 200  # under libxml2's 256 levels, over our component nesting limit
    open_ = '<components><component type="library"><name>x</name>' * n
    data = f'<bom xmlns="{NS}">{open_}{"</component></components>" * n}</bom>'.encode()
    with pytest.raises(InputTooDeep):
        ingest.read(data)


@pytest.mark.parametrize("where", ["text", "attribute", "cdata"])
def test_long_xml_field(where: str) -> None:
    big = "x<" * 600 if where == "cdata" else "x" * 1200
    name = {"text": big, "attribute": "a", "cdata": f"<![CDATA[{big}]]>"}[where]
    ref = f' bom-ref="{big}"' if where == "attribute" else ""
    body = f'<components><component type="library"{ref}><name>{name}</name></component>'
    data = f'<bom xmlns="{NS}">{body}</components></bom>'.encode()
    with pytest.raises(IngestError) as exc:
        ingest.read(data, limits=Limits(max_string=1000))
    assert exc.value.code == "field_too_large"
    assert exc.value.location == "/bom/components/component" + ("/name" if ref == "" else "")


def test_truncated_xml() -> None:
    with pytest.raises(MalformedDocument) as exc:
        ingest.read(bom_xml("1.6")[:-40])
    assert exc.value.location and exc.value.location.startswith("line ")


def test_undefined_entity_reference() -> None:
    with pytest.raises(MalformedDocument):
        ingest.read(f'<bom xmlns="{NS}">{COMPONENT.format("&nope;")}</bom>'.encode())


# --- JSON -------------------------------------------------------------------------------------


def test_100k_deep_json() -> None:
    n = 100_000
    data = b'{"bomFormat":"CycloneDX","specVersion":"1.5","x":' + b"[" * n + b"]" * n + b"}"
    with pytest.raises(InputTooDeep) as exc:
        ingest.read(data)
    assert exc.value.code == "json_too_deep"


def test_deep_components_stop_before_schema_validation() -> None:
    # ~1000 JSON levels: under orjson's cap, far over ours; refused before any recursive pass.
    n = 490
    nested = b'{"type":"library","name":"x","components":[' * n
    nested += b'{"type":"library","name":"x"}' + b"]}" * n
    data = b'{"bomFormat":"CycloneDX","specVersion":"1.5","components":[' + nested + b"]}"
    with pytest.raises(InputTooDeep) as exc:
        ingest.read(data)
    assert exc.value.code == "json_too_deep"


@pytest.mark.parametrize("bad", [b"NaN", b"Infinity", b"-Infinity", b"1e999999", b"-1e400"])
def test_non_finite_numbers(bad: bytes) -> None:
    data = b'{"bomFormat":"CycloneDX","specVersion":"1.5","version":' + bad + b"}"
    with pytest.raises(MalformedDocument):
        ingest.read(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"bomFormat":"CycloneDX","specVersion":"1.5","specVersion":"1.6","version":1}',
        b'{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":['
        b'{"type":"library","name":"zlib","name":"openssl"}]}',
    ],
)
def test_duplicate_keys_are_refused(data: bytes) -> None:
    """RELIABILITY J3: parsers disagree on which value wins, so neither may be believed."""
    with pytest.raises(MalformedDocument, match="appears twice") as exc:
        ingest.read(data)
    assert exc.value.code == "duplicate_key"


def test_duplicate_keys_in_spdx_and_vex_are_refused() -> None:
    spdx = b'{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","SPDXID":"SPDXRef-X"}'
    with pytest.raises(MalformedDocument, match="'SPDXID' appears twice"):
        ingest.read(spdx)
    openvex = b'{"@context":"https://openvex.dev/ns/v0.2.0","@id":"a","@id":"b","statements":[]}'
    with pytest.raises(MalformedDocument, match="'@id' appears twice"):
        read_vex(openvex)


def test_truncated_json() -> None:
    with pytest.raises(MalformedDocument) as exc:
        ingest.read(json_bytes("1.5")[:-50])
    assert exc.value.location and exc.value.location.startswith("line ")


def test_gzip_bomb() -> None:
    # 1 GiB of zeros behind a valid-looking head, compressed while streaming (~1 MB on disk).
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [z.compress(b'{"bomFormat":"CycloneDX","specVersion":"1.5","x":"')]
    chunk = bytes(1 << 20)
    parts += [z.compress(chunk) for _ in range(1024)]
    parts.append(z.flush())
    bomb = b"".join(parts)
    assert len(bomb) < 2 << 20
    with pytest.raises(InputTooLarge) as exc:
        ingest.read(bomb)
    assert exc.value.code == "decompressed_too_large"


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["json", "xml"])
def test_utf8_bom_is_accepted(kind: str) -> None:
    data = json_bytes("1.5") if kind == "json" else bom_xml("1.5")
    assert len(ingest.read(b"\xef\xbb\xbf" + data).components) == 3


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("kind", ["json", "xml"])
def test_utf16_is_accepted(kind: str, codec: str) -> None:
    text = (json_bytes("1.6") if kind == "json" else bom_xml("1.6")).decode()
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    bom = "\ufeff".encode(codec)
    sbom = ingest.read(bom + text.encode(codec))
    assert [c.name for c in sbom.components] == ["openssl", "openssl.cnf", "Django"]


@pytest.mark.parametrize("kind", ["json", "xml"])
def test_invalid_utf8_is_rejected(kind: str) -> None:
    data = json_bytes("1.5") if kind == "json" else bom_xml("1.5")
    bad = data.replace(b"openssl.cnf", b"openssl\xff\xfe.cnf")
    with pytest.raises(InvalidEncoding) as exc:
        ingest.read(bad)
    if kind == "json":
        assert exc.value.location == "byte " + str(bad.index(b"\xff"))


def test_nul_bytes_in_xml() -> None:
    with pytest.raises(IngestError):
        ingest.read(bom_xml("1.5").replace(b"openssl.cnf", b"openssl\x00.cnf"))


# --- fuzz -------------------------------------------------------------------------------------

SEEDS = [json_bytes("1.2"), json_bytes("1.6"), bom_xml("1.3"), bom_xml("1.6")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255), st.sampled_from("rid")),
        min_size=1,
        max_size=8,
    ),
)
def test_mutations_only_raise_ingest_errors(
    seed: bytes, edits: list[tuple[float, int, str]]
) -> None:
    data = bytearray(seed)
    for where, byte, op in edits:
        i = int(where * len(data)) if data else 0
        if op == "r" and data:
            data[i] = byte
        elif op == "i":
            data.insert(i, byte)
        elif data:
            del data[i]
    with contextlib.suppress(IngestError):  # anything else fails the test
        ingest.read(bytes(data), source="fuzz")
