"""CSAF 2.0 mandatory tests on scores (§6.1.7-6.1.10): one score per CVSS version and product,
each valid against the FIRST CVSS JSON schema, its scores computed right from the vector and
its properties consistent with the vector. Computation by the ``cvss`` library."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources

import jsonschema_rs
import orjson
from cvss import CVSS2, CVSS3
from cvss.exceptions import CVSSError

from hemostat.report.csaf_walk import Doc, Finding, lst, obj

_CIA3 = {"H": "HIGH", "L": "LOW", "N": "NONE"}
_CIA2 = {"N": "NONE", "P": "PARTIAL", "C": "COMPLETE"}
# The FIRST schema's property names and enum values per vector letter; the cvss library does not
# expose them, so they are written out here (CVSS v2/v3 specifications, tables of metrics).
_V3: dict[str, tuple[str, dict[str, str]]] = {
    "AV": (
        "attackVector",
        {"N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"},
    ),
    "AC": ("attackComplexity", {"L": "LOW", "H": "HIGH"}),
    "PR": ("privilegesRequired", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "UI": ("userInteraction", {"N": "NONE", "R": "REQUIRED"}),
    "S": ("scope", {"U": "UNCHANGED", "C": "CHANGED"}),
    "C": ("confidentialityImpact", _CIA3),
    "I": ("integrityImpact", _CIA3),
    "A": ("availabilityImpact", _CIA3),
}
_V2: dict[str, tuple[str, dict[str, str]]] = {
    "AV": ("accessVector", {"L": "LOCAL", "A": "ADJACENT_NETWORK", "N": "NETWORK"}),
    "AC": ("accessComplexity", {"H": "HIGH", "M": "MEDIUM", "L": "LOW"}),
    "Au": ("authentication", {"M": "MULTIPLE", "S": "SINGLE", "N": "NONE"}),
    "C": ("confidentialityImpact", _CIA2),
    "I": ("integrityImpact", _CIA2),
    "A": ("availabilityImpact", _CIA2),
}


def check_scores(doc: Doc) -> Iterator[Finding]:
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        seen: set[tuple[str, str]] = set()
        for s, score in enumerate(lst(obj(vuln).get("scores"))):
            base = f"/vulnerabilities/{v}/scores/{s}"
            for key in ("cvss_v2", "cvss_v3"):
                cvss = obj(score).get(key)
                if not isinstance(cvss, dict):
                    continue
                ver = str(cvss.get("version", ""))
                for pid in lst(obj(score).get("products")):
                    if (str(pid), ver) in seen:
                        yield Finding("6.1.7", base, f"second CVSS {ver} score for {pid}")
                    seen.add((str(pid), ver))
                yield from _one(cvss, key, f"{base}/{key}")


def _one(cvss: Doc, key: str, path: str) -> Iterator[Finding]:
    errors = list(_validator(key, str(cvss.get("version", ""))).iter_errors(cvss))
    if errors:
        yield Finding("6.1.8", path, errors[0].message)
        return
    try:
        parsed: CVSS2 | CVSS3 = (
            CVSS2(cvss["vectorString"]) if key == "cvss_v2" else CVSS3(cvss["vectorString"])
        )
    except CVSSError as exc:
        yield Finding("6.1.8", path + "/vectorString", str(exc))
        return
    yield from _computed(cvss, parsed, path)
    yield from _consistent(cvss, parsed, path)


def _computed(cvss: Doc, parsed: CVSS2 | CVSS3, path: str) -> Iterator[Finding]:
    scores = parsed.scores()
    names = ["baseScore", "temporalScore", "environmentalScore"]
    for name, value in zip(names, scores, strict=False):
        if name in cvss and value is not None and float(cvss[name]) != float(value):
            yield Finding(
                "6.1.9", f"{path}/{name}", f"{name} is {cvss[name]}, vector gives {value}"
            )
    if isinstance(parsed, CVSS3):
        for name, sev in zip(
            ["baseSeverity", "temporalSeverity", "environmentalSeverity"],
            parsed.severities(),
            strict=False,
        ):
            if name in cvss and str(cvss[name]).upper() != sev.upper():
                yield Finding("6.1.9", f"{path}/{name}", f"{name} is {cvss[name]}, not {sev}")


def _consistent(cvss: Doc, parsed: CVSS2 | CVSS3, path: str) -> Iterator[Finding]:
    table = _V3 if isinstance(parsed, CVSS3) else _V2
    metrics: dict[str, str] = dict(parsed.metrics)
    for abbrev, (prop, values) in table.items():
        expected = values.get(metrics.get(abbrev, ""))
        if prop in cvss and expected and str(cvss[prop]) != expected:
            yield Finding("6.1.10", f"{path}/{prop}", f"{prop} {cvss[prop]} contradicts vector")


@cache
def _validator(key: str, version: str) -> jsonschema_rs.Validator:
    name = {"2.0": "cvss-v2.0.json", "3.0": "cvss-v3.0.json"}.get(version, "cvss-v3.1.json")
    if key == "cvss_v2":
        name = "cvss-v2.0.json"
    folder = resources.files("hemostat") / "data" / "schemas" / "csaf" / "referenced" / "first"
    return jsonschema_rs.validator_for(orjson.loads((folder / name).read_bytes()))
