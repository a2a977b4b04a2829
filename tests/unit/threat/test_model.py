"""Loading YAML threat models: the multi-file happy path, and every kind of problem reported
together with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from hemostat.domain.threat import (
    ComponentLink,
    ElementKind,
    FdaControlCategory,
    HarmSeverity,
    InterfaceKind,
    Level,
    SourceRef,
    Treatment,
)
from hemostat.errors import Diagnostic, HemostatError, ThreatModelError
from hemostat.threat.model import load_model
from hemostat.threat.model_schema import MODEL_SCHEMA, RULES_SCHEMA, enum, schema

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "threat"
GOOD = ASSETS / "good"
BAD = ASSETS / "bad"


def _problems(path: Path) -> tuple[Diagnostic, ...]:
    with pytest.raises(ThreatModelError) as caught:
        load_model(path)
    return caught.value.problems


def _find(problems: tuple[Diagnostic, ...], code: str, text: str = "") -> Diagnostic:
    hits = [p for p in problems if p.code == code and text in p.message]
    assert hits, f"no {code} problem mentioning {text!r} in {[p.render() for p in problems]}"
    return hits[0]


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / next(iter(files))


ROOT = 'hemostat-threat-model: 1\nsystem: {id: s, name: S, version: "1"}\n'


def test_multi_file_model_is_merged_with_sources() -> None:
    model = load_model(GOOD / "threat-model.yaml")
    assert (model.id, model.name, model.version, model.product) == (
        "mini-pump-system",
        "Mini infusion system",
        "1.0",
        "mini-pump",
    )
    assert model.files == ("threat-model.yaml", "flows.yaml", "safety/hazards.yaml")
    assert model.assumptions == ("The hospital network is hostile.",)
    assert [e.id for e in model.elements] == ["pump", "clinician-app", "ehr"]
    pump = model.elements[0]
    assert pump.kind is ElementKind.DEVICE
    assert pump.boundary == "pump-enclosure"
    assert pump.attributes == (("runs_rtos", True), ("stores_phi", False))
    assert pump.components == (
        ComponentLink(purl="pkg:github/wolfssl/wolfssl@5.6.4"),
        ComponentLink(name="FreeRTOS-Kernel"),
    )
    assert pump.source == SourceRef("threat-model.yaml", 19)
    uart = next(i for i in model.interfaces if i.id == "pump-uart")
    assert uart.kind is InterfaceKind.SERVICE_PORT
    assert (uart.exposed, uart.enabled_in_field, uart.authentication) == (False, False, "none")
    flow = model.flows[1]
    assert (flow.source, flow.target, flow.via, flow.port, flow.data) == (
        "pump",
        "ehr",
        "pump-wifi",
        2575,
        ("phi", "telemetry"),
    )
    assert flow.source_ref == SourceRef("flows.yaml", 12)
    assert model.hazards[0].severity is HarmSeverity.CATASTROPHIC
    assert model.hazards[0].source == SourceRef("safety/hazards.yaml", 3)
    assert model.assets[0].integrity is Level.HIGH
    assert model.assets[0].confidentiality is Level.MEDIUM  # default
    assert model.controls[0].categories == (
        FdaControlCategory.AUTHENTICATION,
        FdaControlCategory.CRYPTOGRAPHY,
    )
    assert model.treatments[0].status is Treatment.ACCEPTED
    assert model.boundaries[1].parent == "patient-room"


def test_a_folder_loads_its_root_file() -> None:
    assert load_model(GOOD) == load_model(GOOD / "threat-model.yaml")


def test_every_problem_is_reported_together_with_file_and_line() -> None:
    problems = _problems(BAD / "threat-model.yaml")
    root, more = str(BAD / "threat-model.yaml"), str(BAD / "more.yaml")
    expected = [
        ("include_outside", "../outside/escape.yaml", root, 4),
        ("include_missing", "missing.yaml", root, 4),
        ("boundary_cycle", "zone-a → zone-b → zone-a", root, 6),
        ("unknown_key", "`colour`", root, 10),
        ("duplicate_id", "`pump`", root, 11),
        ("schema", "`bluetooth` is not one of", root, 13),
        ("dangling_reference", "`to` names `pumpp`", more, 4),
        ("dangling_reference", "`applies_to` names `pump-bel`", more, 7),
        ("include_cycle", "threat-model.yaml → more.yaml → threat-model.yaml", more, 8),
    ]
    for code, text, file, line in expected:
        found = _find(problems, code, text)
        assert (found.file, found.location) == (file, f"line {line}")
    assert len(problems) == 10  # the nine above + the flow's via on neither end
    error = ThreatModelError(problems)
    assert isinstance(error, HemostatError)
    assert error.code == "threat_model_invalid"
    assert error.message == "threat model has 10 problems"
    assert "more.yaml at line 7" in str(error)  # str() lists every problem


def test_problems_are_sorted_by_file_then_line() -> None:
    problems = _problems(BAD)
    keys = [(p.file != str(BAD / "threat-model.yaml"), int(p.location[5:])) for p in problems]  # type: ignore[index]
    assert keys == sorted(keys)


def test_dangling_reference_names_the_wrong_kind(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "m.yaml": ROOT
            + "elements:\n  - {id: a, kind: device, name: A, boundary: b}\n"
            + "  - {id: b, kind: device, name: B}\n"
            + "requirements:\n  - {id: R1, text: t, controls: [a]}\n"
            + "tests:\n  - {id: T1, name: t, verifies: [R9]}\n"
        },
    )
    problems = _problems(root)
    assert "`boundary` names `b`, which is a element, not a boundary" in problems[0].message
    assert problems[0].location == "line 4"
    _find(problems, "dangling_reference", "`controls` names `a`, which is a element")
    assert _find(problems, "dangling_reference", "`R9`").location == "line 9"


def test_flow_via_must_be_on_one_of_its_ends(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "m.yaml": ROOT
            + "elements:\n"
            + "  - {id: a, kind: device, name: A}\n  - {id: b, kind: device, name: B}\n"
            + "  - {id: c, kind: device, name: C}\n"
            + "interfaces:\n  - {id: c-ble, element: c, kind: ble}\n"
            + "flows:\n  - {id: f, from: a, to: b, via: c-ble}\n"
        },
    )
    (problem,) = _problems(root)
    assert "`c-ble` belongs to `c`" in problem.message
    assert problem.location == "line 10"


def test_yaml_alias_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 4)}]" for i in range(1, 12)]
    root = _write(tmp_path, {"m.yaml": ROOT + "\n".join(lines) + "\n"})
    (problem,) = _problems(root)
    assert problem.code == "yaml_refused"
    assert "aliases" in problem.message
    assert problem.location == "line 8"  # the 17th alias: a5 on line 8


def test_syntax_error_in_an_included_file_keeps_other_problems(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "m.yaml": ROOT
            + "include: [sub/x.yaml]\nelements:\n  - {id: a, kind: robot, name: A}\n",
            "sub/x.yaml": "flows:\n  - {id: f, from: a\n",
        },
    )
    problems = _problems(root)
    assert [p.code for p in problems] == ["schema", "yaml_syntax"]
    assert problems[1].file == str(tmp_path / "sub" / "x.yaml")


def test_include_twice_and_system_in_included_file(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "m.yaml": ROOT + "include: [a.yaml, b.yaml]\n",
            "a.yaml": "include: [b.yaml]\n",
            "b.yaml": 'system: {id: x, name: X, version: "1"}\nhemostat-threat-model: 1\n',
        },
    )
    problems = _problems(root)
    assert _find(problems, "include_twice", "b.yaml").file == str(root)
    assert _find(problems, "schema", "root file only").file == str(tmp_path / "b.yaml")


def test_include_through_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("elements: []\n")
    model = tmp_path / "model"
    model.mkdir()
    (model / "link.yaml").symlink_to(outside)
    root = _write(model, {"m.yaml": ROOT + "include: [link.yaml]\n"})
    assert _find(_problems(root), "include_outside").location == "line 3"


def test_root_must_describe_the_system_and_be_non_empty(tmp_path: Path) -> None:
    assert _problems(_write(tmp_path, {"m.yaml": "elements: []\n"}))[0].code == "schema"
    assert _problems(_write(tmp_path, {"e.yaml": ""}))[0].message == "the file is empty"
    assert _problems(tmp_path / "nope.yaml")[0].code == "not_found"


def test_number_where_text_is_expected_gets_a_hint(tmp_path: Path) -> None:
    root = _write(
        tmp_path, {"m.yaml": "hemostat-threat-model: 1\nsystem: {id: s, name: S, version: 2.1}\n"}
    )
    (problem,) = _problems(root)
    assert problem.location == "line 2"
    assert problem.hint is not None and "quote it" in problem.hint


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    root = tmp_path / "m.yaml"
    root.write_bytes(ROOT.encode() + b"#" * (5 * 1024 * 1024))
    (problem,) = _problems(root)
    assert problem.code == "file_too_large"


def test_schema_enums_match_the_domain_enums() -> None:
    assert enum("element_kind") == {k.value for k in ElementKind}
    assert enum("interface_kind") == {k.value for k in InterfaceKind}
    assert enum("severity") == {s.value for s in HarmSeverity}
    assert enum("treatment_status") == {t.value for t in Treatment}
    assert enum("fda_category") == {c.value for c in FdaControlCategory}


def test_the_loader_does_not_touch_the_model_folder(tmp_path: Path) -> None:
    copy = tmp_path / "good"
    shutil.copytree(GOOD, copy)
    before = sorted(p.name for p in copy.rglob("*"))
    load_model(copy)
    assert sorted(p.name for p in copy.rglob("*")) == before


def test_published_schemas_are_valid_2020_12_and_agree_with_jsonschema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for name in (MODEL_SCHEMA, RULES_SCHEMA):
        jsonschema.Draft202012Validator.check_schema(schema(name))
    validator = jsonschema.Draft202012Validator(schema(MODEL_SCHEMA))
    for path in sorted(GOOD.rglob("*.yaml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == []
    bad = yaml.safe_load((BAD / "threat-model.yaml").read_text())
    assert {e.validator for e in validator.iter_errors(bad)} == {"additionalProperties", "enum"}
