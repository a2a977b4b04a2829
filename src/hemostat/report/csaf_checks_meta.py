"""CSAF 2.0 mandatory tests on document-level values: 6.1.11 (CWE id and name), 6.1.12
(language tags), 6.1.26 (prohibited document category name) and 6.1.28 (translation into the
source language). Language tags are checked by ``langcodes`` against the IANA subtag registry;
CWE names against MITRE's CWE list shipped in ``hemostat/data/cwe`` (see tools/build_cwe.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

import langcodes
import orjson

from hemostat.report.csaf_walk import Doc, Finding, lst, obj

# §6.1.26: the profiles other than CSAF Base, by category value and by title.
_PROFILES = {
    "csaf_security_incident_response": "Security Incident Response",
    "csaf_informational_advisory": "Informational Advisory",
    "csaf_security_advisory": "Security Advisory",
    "csaf_vex": "VEX",
}
_SEPARATORS = re.compile(r"[-_\s]")


def check_meta(doc: Doc) -> Iterator[Finding]:
    yield from _cwes(doc)
    yield from _languages(doc)
    yield from _category(doc)
    yield from _translation(doc)


@cache
def cwe_names() -> tuple[str, dict[int, tuple[str, ...]]]:
    """(CWE list version, {weakness number: its names, latest first})."""
    path = resources.files("hemostat") / "data" / "cwe" / "names.json"
    raw = orjson.loads(path.read_bytes())
    return str(raw["version"]), {int(k): tuple(v) for k, v in raw["names"].items()}


def _cwes(doc: Doc) -> Iterator[Finding]:
    version, names = cwe_names()
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        cwe = obj(obj(vuln).get("cwe"))
        cwe_id, name = cwe.get("id"), cwe.get("name")
        if not isinstance(cwe_id, str) or not isinstance(name, str):
            continue
        path = f"/vulnerabilities/{v}/cwe"
        number = cwe_id.removeprefix("CWE-")
        known = names.get(int(number)) if number.isdigit() else None
        if known is None:
            yield Finding("6.1.11", path + "/id", f"{cwe_id} is not in the CWE list {version}")
        elif name not in known:
            msg = f"{name!r} is not the name of {cwe_id}; CWE {version} calls it {known[0]!r}"
            yield Finding("6.1.11", path + "/name", msg)


def _languages(doc: Doc) -> Iterator[Finding]:
    document = obj(doc.get("document"))
    for key in ("lang", "source_lang"):
        tag = document.get(key)
        if isinstance(tag, str) and not langcodes.tag_is_valid(tag):
            msg = f"{tag!r} is not a valid BCP 47 language tag (IANA subtag registry)"
            yield Finding("6.1.12", f"/document/{key}", msg)


def _category(doc: Doc) -> Iterator[Finding]:
    category = obj(doc.get("document")).get("category")
    if not isinstance(category, str) or category in _PROFILES:
        return
    if category.lower().startswith("csaf_") and category != "csaf_base":
        msg = f"{category!r} uses the reserved prefix csaf_ (only csaf_base may)"
        yield Finding("6.1.26", "/document/category", msg)
        return
    reserved = {_squash(n) for item in _PROFILES.items() for n in (*item, item[0][5:])}
    if _squash(category) in reserved:
        msg = f"{category!r} is the name of a CSAF profile; use that profile's category"
        yield Finding("6.1.26", "/document/category", msg)


def _squash(value: str) -> str:
    return _SEPARATORS.sub("", value).lower()


def _translation(doc: Doc) -> Iterator[Finding]:
    document = obj(doc.get("document"))
    lang, source = document.get("lang"), document.get("source_lang")
    if isinstance(lang, str) and isinstance(source, str) and lang.lower() == source.lower():
        yield Finding("6.1.28", "/document/lang", f"lang and source_lang are both {lang!r}")
