"""CSAF 2.0 mandatory tests on the product tree and per-vulnerability lists: 6.1.24 (a party
twice on one date in involvements), 6.1.25 (one hash algorithm twice for a file), 6.1.31
(version range in a product_version name) and 6.1.33 (a product in more than one VEX flag)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from hemostat.domain.csaf_rules import has_version_range
from hemostat.report.csaf_walk import Doc, Finding, full_product_names, group_members, lst, obj


def check_tree(doc: Doc) -> Iterator[Finding]:
    yield from _involvements(doc)
    yield from _hashes(doc)
    yield from _version_ranges(lst(obj(doc.get("product_tree")).get("branches")), "")
    yield from _flags(doc)


def _involvements(doc: Doc) -> Iterator[Finding]:
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        seen: Counter[tuple[str, Any]] = Counter()
        for i, item in enumerate(lst(obj(vuln).get("involvements"))):
            key = (str(obj(item).get("party")), _instant(obj(item).get("date")))
            seen[key] += 1
            if seen[key] == 2:
                msg = f"party {key[0]} is involved twice on {obj(item).get('date')}"
                yield Finding("6.1.24", f"/vulnerabilities/{v}/involvements/{i}", msg)


def _instant(value: object) -> object:
    """The same moment written two ways is the same date (§6.1.24 compares dates)."""
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return value


def _hashes(doc: Doc) -> Iterator[Finding]:
    for fpn, path in full_product_names(doc):
        for h, item in enumerate(lst(obj(fpn.get("product_identification_helper")).get("hashes"))):
            algorithms = Counter(
                str(obj(fh).get("algorithm")).lower() for fh in lst(obj(item).get("file_hashes"))
            )
            for algorithm, count in sorted(algorithms.items()):
                if count > 1:
                    where = f"{path}/product_identification_helper/hashes/{h}/file_hashes"
                    msg = f"{algorithm} is used {count} times for {obj(item).get('filename')}"
                    yield Finding("6.1.25", where, msg)


def _version_ranges(branches: list[Any], base: str) -> Iterator[Finding]:
    for i, branch in enumerate(branches):
        path = f"{base}/product_tree/branches/{i}" if not base else f"{base}/branches/{i}"
        name = obj(branch).get("name")
        version = obj(branch).get("category") == "product_version" and isinstance(name, str)
        if version and has_version_range(str(name)):
            msg = f"product_version {name!r} is a version range; use product_version_range"
            yield Finding("6.1.31", path + "/name", msg)
        yield from _version_ranges(lst(obj(branch).get("branches")), path)


def _flags(doc: Doc) -> Iterator[Finding]:
    members = group_members(doc)
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        flagged: Counter[str] = Counter()
        for flag in lst(obj(vuln).get("flags")):
            products = {str(p) for p in lst(obj(flag).get("product_ids"))}
            for gid in lst(obj(flag).get("group_ids")):
                products |= members.get(str(gid), set())
            flagged.update(products)
        for pid, count in sorted(flagged.items()):
            if count > 1:
                msg = f"{pid} is in {count} flags; a product takes one VEX justification"
                yield Finding("6.1.33", f"/vulnerabilities/{v}/flags", msg)
