"""Loading threat rule files: schema, conditions compiled at load, unique ids, RULES_VERSION."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemostat.domain.threat import FdaControlCategory, Level, RuleTarget, SourceRef, Stride
from hemostat.errors import ThreatModelError
from hemostat.threat import rules_loader
from hemostat.threat.rules_loader import load_rules, rules_digest

RULE = """- id: {id}
  title: Unauthenticated therapy command
  stride: spoofing
  target: flow
  when: >-
    "therapy_command" in flow.data and flow.authentication == "none"
    and via is not None and via.kind in ["ble", "wifi"]
  mitigated_by: [ble_authenticated_pairing]
  exploitability: high
  description: An attacker in radio range programs therapy.
  capec: [CAPEC-151]
  cwe: [CWE-306]
  fda_categories: [authentication]
  iec62443: ["CR 1.2"]
  nist80053: [IA-3]
"""

ELEMENT_RULE = """- id: {id}
  title: Debug port
  stride: tampering
  target: element
  when: '"service_port" in element.interfaces'
  mitigated_by: []
  description: Debug port left open.
"""


def _dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _problems(folder: Path) -> list[tuple[str, str, str | None, str]]:
    with pytest.raises(ThreatModelError) as caught:
        load_rules([folder])
    return [(p.code, Path(p.file or "").name, p.location, p.message) for p in caught.value.problems]


def test_rules_load_sorted_by_id_with_every_field(tmp_path: Path) -> None:
    folder = _dir(
        tmp_path, {"b.yaml": RULE.format(id="R-2"), "a.yml": ELEMENT_RULE.format(id="R-1")}
    )
    first, second = load_rules([folder])
    assert (first.id, second.id) == ("R-1", "R-2")
    assert first.exploitability is Level.MEDIUM  # default
    assert second.stride is Stride.SPOOFING
    assert second.target is RuleTarget.FLOW
    assert second.condition.startswith('"therapy_command" in flow.data')
    assert second.fda_categories == (FdaControlCategory.AUTHENTICATION,)
    assert (second.capec, second.cwe, second.iec62443, second.nist80053) == (
        ("CAPEC-151",),
        ("CWE-306",),
        ("CR 1.2",),
        ("IA-3",),
    )
    assert second.source == SourceRef("b.yaml", 1)


def test_bad_rules_are_all_reported_with_file_and_line(tmp_path: Path) -> None:
    bad_condition = RULE.format(id="R-3").replace('via.kind in ["ble", "wifi"]', "len(flow.data)")
    folder = _dir(
        tmp_path,
        {
            "a.yaml": RULE.format(id="R-1") + ELEMENT_RULE.format(id="R-2"),
            "b.yaml": RULE.format(id="R-1")
            + bad_condition
            + ELEMENT_RULE.format(id="R-4").replace("stride: tampering", "stride: tamper"),
            "c.yaml": ELEMENT_RULE.format(id="R-5").replace(
                "  description:", "  colour: red\n  description:"
            ),
        },
    )
    problems = _problems(folder)
    codes = {(code, file, line) for code, file, line, _ in problems}
    assert codes == {
        ("duplicate_id", "b.yaml", "line 1"),
        ("rule_condition", "b.yaml", "line 20"),
        ("schema", "b.yaml", "line 33"),
        ("unknown_key", "c.yaml", "line 7"),
    }
    condition = next(m for c, _, _, m in problems if c == "rule_condition")
    assert "rule `R-3`" in condition and "function call `len(flow.data)`" in condition


def test_unknown_value_in_a_condition_is_caught_at_load(tmp_path: Path) -> None:
    folder = _dir(tmp_path, {"a.yaml": RULE.format(id="R-1").replace('"wifi"', '"wi-fi"')})
    ((code, _, line, message),) = _problems(folder)
    assert (code, line) == ("rule_condition", "line 5")
    assert 'unknown value `"wi-fi"`' in message


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    assert _problems(tmp_path / "nope")[0][0] == "not_found"


def test_digest_depends_on_content_not_on_file_layout(tmp_path: Path) -> None:
    one, two, three = (tmp_path / n for n in ("one", "two", "three"))
    for folder in (one, two, three):
        folder.mkdir()
    _dir(one, {"x.yaml": RULE.format(id="R-1") + ELEMENT_RULE.format(id="R-2")})
    _dir(
        two,
        {"b.yaml": "# moved\n" + ELEMENT_RULE.format(id="R-2"), "a.yaml": RULE.format(id="R-1")},
    )
    assert rules_digest(load_rules([one])) == rules_digest(load_rules([two]))
    easier = RULE.format(id="R-1").replace("exploitability: high", "exploitability: low")
    _dir(three, {"a.yaml": easier})
    assert rules_digest(load_rules([three])) != rules_digest(load_rules([two])[:1])


def test_builtin_rules_load_and_version_is_their_digest() -> None:
    rules = load_rules()
    assert [r.id for r in rules] == sorted(r.id for r in rules)
    assert rules_digest(rules) == rules_loader.RULES_VERSION
    assert len(rules_loader.RULES_VERSION) == 16
