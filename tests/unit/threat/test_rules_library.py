"""The built-in medical-device threat rule library (src/hemostat/threat/rules/*.yaml).

Library-wide checks (size, categories, ids, standards mappings, documented vocabulary), then for
EVERY rule, on its minimal trigger model (rules_library_fixtures.py):
* it fires exactly once, on the expected target, open, with the rule's metadata;
* a control applying to the target with any one of its ``mitigated_by`` capabilities turns it
  into ``mitigated`` with a lower residual risk (a control with another capability does not);
* it does not fire at all once the triggering condition is false.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rules_library_fixtures import FIXTURES, TARGET_IDS, build_model

from hemostat.domain.threat import (
    Control,
    FdaControlCategory,
    RiskLevel,
    Stride,
    Threat,
    ThreatRule,
    Treatment,
)
from hemostat.threat.engine import analyze
from hemostat.threat.model import load_model
from hemostat.threat.rules_loader import load_rules

DOC = Path(__file__).resolve().parents[3] / "docs" / "threat-capabilities.md"
RULES: tuple[ThreatRule, ...] = tuple(load_rules())
BY_ID = {rule.id: rule for rule in RULES}
RULE_IDS = sorted(BY_ID)
LETTER = {
    "S": Stride.SPOOFING,
    "T": Stride.TAMPERING,
    "R": Stride.REPUDIATION,
    "I": Stride.INFORMATION_DISCLOSURE,
    "D": Stride.DENIAL_OF_SERVICE,
    "E": Stride.ELEVATION_OF_PRIVILEGE,
}
FORMATS = {
    "capec": re.compile(r"CAPEC-[1-9]\d*"),
    "cwe": re.compile(r"CWE-[1-9]\d*"),
    "iec62443": re.compile(r"(CR|SAR|EDR|HDR|NDR) [1-7]\.[1-9]\d?"),
    "nist80053": re.compile(r"[A-Z]{2}-[1-9]\d?(\([1-9]\d?\))?"),
}


# --- library-wide --------------------------------------------------------------------------


def test_library_has_at_least_60_rules_and_6_per_stride_category() -> None:
    per_category = Counter(rule.stride for rule in RULES)
    assert len(RULES) >= 60
    assert set(per_category) == set(Stride)
    assert min(per_category.values()) >= 6, per_category


def test_rule_ids_are_unique_and_name_their_category() -> None:
    assert len(RULE_IDS) == len(RULES)
    for rule in RULES:
        match = re.fullmatch(r"MD-([STRIDE])-\d{3}", rule.id)
        assert match, rule.id
        assert LETTER[match[1]] is rule.stride, rule.id


def test_every_rule_is_mapped_to_the_standards() -> None:
    problems = []
    for rule in RULES:
        for name, pattern in FORMATS.items():
            values = getattr(rule, name)
            if not values or not all(pattern.fullmatch(v) for v in values):
                problems.append(f"{rule.id} {name}={values}")
        if not rule.fda_categories or not all(
            isinstance(c, FdaControlCategory) for c in rule.fda_categories
        ):
            problems.append(f"{rule.id} fda_categories={rule.fda_categories}")
        if not (rule.title.strip() and rule.description.strip() and rule.mitigated_by):
            problems.append(f"{rule.id} lacks a title, description or mitigated_by")
    assert not problems


def test_every_rule_has_a_trigger_fixture() -> None:
    assert sorted(FIXTURES) == RULE_IDS


# --- vocabulary documented in docs/threat-capabilities.md ----------------------------------


def _doc_names(heading: str) -> set[str]:
    """First-column names (in backticks) of the table under ``## heading``."""
    section = DOC.read_text(encoding="utf-8").split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


def _strings(node: ast.expr) -> Iterator[str]:
    items = node.elts if isinstance(node, ast.List) else [node]
    for item in items:
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            yield item.value


def _is_field(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == name


def _attributes_and_tags(condition: str) -> set[str]:
    """``X.attr.NAME`` names and the tags a condition tests (``"t" in X.tags``, ``any_in``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(" ".join(condition.split()), mode="eval")):
        if isinstance(node, ast.Attribute) and _is_field(node.value, "attr"):
            names.add(node.attr)
        elif isinstance(node, ast.Compare) and _is_field(node.comparators[0], "tags"):
            names.update(_strings(node.left))
        elif isinstance(node, ast.Call) and node.args and _is_field(node.args[0], "tags"):
            names.update(_strings(node.args[1]))
    return names


def test_capabilities_are_exactly_the_documented_ones() -> None:
    used = {cap for rule in RULES for cap in rule.mitigated_by}
    documented = _doc_names("Capabilities")
    assert used - documented == set(), "capabilities missing from docs/threat-capabilities.md"
    assert documented - used == set(), "documented capabilities no rule uses"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", cap) for cap in used)


def test_attributes_and_tags_are_exactly_the_documented_ones() -> None:
    used = {name for rule in RULES for name in _attributes_and_tags(rule.condition)}
    documented = _doc_names("Attributes and tags rules read")
    assert {"stores_phi", "has_default_credentials", "central_server", "alarm"} <= used
    assert used - documented == set(), "names missing from docs/threat-capabilities.md"
    assert documented - used == set(), "documented names no rule reads"


# --- every rule on its trigger model -------------------------------------------------------


def _control(capability: str, target: str) -> Control:
    return Control(
        id="CTL-1",
        name=f"Control providing {capability}",
        categories=(FdaControlCategory.AUTHENTICATION,),
        capabilities=(capability,),
        applies_to=(target,),
    )


def _only_threat(rule: ThreatRule, controls: tuple[Control, ...] = ()) -> Threat:
    target = TARGET_IDS[rule.target]
    analysis = analyze(build_model(FIXTURES[rule.id], controls=controls), [rule])
    assert [t.id for t in analysis.threats] == [f"{rule.id}@{target}"]
    threat = analysis.threats[0]
    assert (threat.rule, threat.target, threat.target_kind) == (rule.id, target, rule.target)
    return threat


def _rank(level: RiskLevel) -> int:
    return list(RiskLevel).index(level)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_open_on_its_trigger_model(rule_id: str) -> None:
    rule = BY_ID[rule_id]
    decoy = _control("a_capability_no_rule_uses", TARGET_IDS[rule.target])
    threat = _only_threat(rule, (decoy,))
    assert threat.treatment is Treatment.OPEN
    assert threat.controls == ()
    assert threat.residual_risk is threat.inherent_risk
    assert _rank(threat.inherent_risk) > _rank(RiskLevel.LOW)  # catastrophic hazard linked
    assert (threat.stride, threat.title) == (rule.stride, rule.title)
    assert (threat.capec, threat.cwe, threat.fda_categories) == (
        rule.capec,
        rule.cwe,
        rule.fda_categories,
    )
    assert (threat.iec62443, threat.nist80053) == (rule.iec62443, rule.nist80053)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_is_mitigated_by_each_of_its_capabilities(rule_id: str) -> None:
    rule = BY_ID[rule_id]
    for capability in rule.mitigated_by:
        threat = _only_threat(rule, (_control(capability, TARGET_IDS[rule.target]),))
        assert threat.treatment is Treatment.MITIGATED, capability
        assert threat.controls == ("CTL-1",), capability
        assert _rank(threat.residual_risk) < _rank(threat.inherent_risk), capability


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_is_silent_when_its_condition_is_false(rule_id: str) -> None:
    rule = BY_ID[rule_id]
    fixture = FIXTURES[rule_id]
    assert fixture.safe, "a fixture must say how to make the condition false"
    assert analyze(build_model(fixture, safe=True), [rule]).threats == ()


# --- the whole library on the shipped example models ---------------------------------------

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*/threat/model.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.parent.name)
def test_library_keeps_every_recorded_treatment_of_the_examples_live(path: Path) -> None:
    """Treatments in the examples name threats by id: a rule change that orphans one fails."""
    model = load_model(path)
    analysis = analyze(model, RULES)
    assert analysis.threats
    assert model.treatments
    assert analysis.stale_treatments == ()


def test_library_finds_every_stride_category_in_the_examples() -> None:
    found = {t.stride for path in EXAMPLES for t in analyze(load_model(path), RULES).threats}
    assert len(EXAMPLES) >= 3
    assert found == set(Stride)
