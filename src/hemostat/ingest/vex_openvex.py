"""OpenVEX 0.2.0 and 0.0.1 -> ``VexDocument``.

0.0.1 differences handled: ``vulnerability`` and ``products`` are plain strings, ``version`` may
be a string. A product with ``subcomponents`` yields one statement per subcomponent (the
statement is about the subcomponent inside that product). Lossy (documented): product name and
version come from the purl; folded justifications come back as one internal choice. A statement
without products (vexctl attestations) gets an empty ``VexProduct()``: it matches nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from hemostat.domain.assessment import Justification, VexStatus
from hemostat.domain.vex import VexDocument, VexProduct, VexStatement
from hemostat.ingest.vex_common import (
    EPOCH,
    FROM_OPENVEX,
    Where,
    arr,
    enum,
    obj,
    product_from_ids,
    text,
    when,
)


def read_openvex(doc: Mapping[str, Any], source: str) -> VexDocument:
    top = Where(source)
    stamp = when(doc.get("timestamp"), top.at("timestamp"), EPOCH)
    statements = arr(doc.get("statements"), top.at("statements"))
    out = tuple(
        st
        for i, raw in enumerate(statements)
        for st in _statements(raw, top.at("statements", i), stamp)
    )
    author = text(doc.get("author"), top.at("author"))
    return VexDocument(
        doc_id=text(doc.get("@id"), top.at("@id")),
        author=author,
        publisher_name=author,
        publisher_namespace="",
        timestamp=when(doc.get("last_updated"), top.at("last_updated"), stamp),
        product_name="",
        product_version="",
        statements=out,
        version=_version(doc.get("version"), top.at("version")),
        source=source,
        format="openvex",
    )


def _version(value: Any, where: Where) -> int:
    if value is None:
        return 1
    if isinstance(value, int) and value >= 1:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) >= 1:
        return int(value)
    raise where.invalid(f"version {value!r} is not a positive integer")


def _statements(raw: Any, where: Where, stamp: datetime) -> Iterator[VexStatement]:
    st = obj(raw, where)
    vuln_raw = st.get("vulnerability")
    aliases: tuple[str, ...] = ()
    if isinstance(vuln_raw, str):  # OpenVEX 0.0.1
        name = vuln_raw
    else:
        vuln = obj(vuln_raw, where.at("vulnerability"))
        name = text(vuln.get("name"), where.at("vulnerability", "name"), required=True)
        aliases = tuple(str(a) for a in arr(vuln.get("aliases"), where.at("vulnerability")))
    status = enum(VexStatus, st.get("status"), where.at("status"))
    justification = _justification(st, status, where)
    timestamp = when(st.get("timestamp"), where.at("timestamp"), stamp)
    updated = st.get("last_updated")
    for product in _products(st, where):
        yield VexStatement(
            vulnerability=name,
            product=product,
            status=status,
            timestamp=timestamp,
            aliases=aliases,
            justification=justification,
            detail=text(st.get("status_notes"), where.at("status_notes")),
            impact_statement=text(st.get("impact_statement"), where.at("impact_statement")),
            action_statement=text(st.get("action_statement"), where.at("action_statement")),
            last_updated=when(updated, where.at("last_updated")) if updated else None,
        )


def _justification(st: Mapping[str, Any], status: VexStatus, where: Where) -> Justification | None:
    raw = st.get("justification")
    if raw is None:
        if status is VexStatus.NOT_AFFECTED and not st.get("impact_statement"):
            raise where.at("justification").invalid(
                "status not_affected needs a justification or an impact_statement",
                hint="justification is one of: " + ", ".join(sorted(FROM_OPENVEX)),
            )
        return None
    return enum(Justification, raw, where.at("justification"), FROM_OPENVEX)


def _products(st: Mapping[str, Any], where: Where) -> Iterator[VexProduct]:
    products = arr(st.get("products"), where.at("products"))
    if not products:
        # vexctl writes statements without products about the artifact the VEX is attached to
        yield VexProduct()
    for i, raw in enumerate(products):
        here = where.at("products", i)
        subs = [] if isinstance(raw, str) else arr(obj(raw, here).get("subcomponents"), here)
        subs = subs or arr(st.get("subcomponents"), where.at("subcomponents"))  # 0.0.1
        for j, item in enumerate(subs or [raw]):
            yield _product(item, here.at("subcomponents", j) if subs else here)


def _product(raw: Any, where: Where) -> VexProduct:
    if isinstance(raw, str):  # OpenVEX 0.0.1
        return product_from_ids(raw)
    entry = obj(raw, where)
    ids = obj(entry.get("identifiers") or {}, where.at("identifiers"))
    purl = text(ids.get("purl"), where.at("identifiers", "purl"))
    cpe = text(ids.get("cpe23") or ids.get("cpe22"), where.at("identifiers", "cpe23"))
    ident = text(entry.get("@id"), where.at("@id")) or purl or cpe
    if not ident:
        raise where.invalid("a product needs an @id or identifiers")
    return product_from_ids(ident, purl, cpe)
