"""The line-recording safe YAML reader: values, pointer → line map, and hostile input refused."""

from __future__ import annotations

import pytest

from hemostat.threat.model_yaml import MAX_ALIASES, MAX_NODES, parse_yaml


def _codes(text: str) -> list[tuple[str, str | None]]:
    return [(p.code, p.location) for p in parse_yaml(text.encode(), file="f.yaml").problems]


def test_values_and_lines() -> None:
    doc = parse_yaml(
        b"a: 1\nb:\n  - x: yes\n    y: [1.5, null, '2.1']\n  - z: 2024-01-01\n", file="f.yaml"
    )
    assert doc.problems == ()
    assert doc.value == {"a": 1, "b": [{"x": True, "y": [1.5, None, "2.1"]}, {"z": "2024-01-01"}]}
    assert doc.lines["/a"] == 1
    assert doc.lines["/b/0"] == 3
    assert doc.lines["/b/0/y"] == 4  # a mapping value is located at its key
    assert doc.line("/b/1/z/nothing/here") == 5  # nearest recorded ancestor
    assert doc.line("/b/0/y/2") == 4


def test_pointer_escapes_slash_and_tilde() -> None:
    doc = parse_yaml(b"a/b:\n  c~d: 1\n", file="f.yaml")
    assert doc.lines["/a~1b/c~0d"] == 2


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate_key", "line 3"),
        ("a: !!python/object/apply:os.system ['ls']\n", "yaml_tag", "line 1"),
        ("a: !!set {x, y}\n", "yaml_tag", "line 1"),
        ("a: !!binary aGk=\n", "yaml_tag", "line 1"),
        ("b: &x {c: 1}\nd:\n  <<: *x\n", "yaml_refused", "line 3"),
        ("a: 1\n2: b\n", "yaml_key", "line 2"),
        ("a: [1,\n  .nan]\n", "yaml_value", "line 2"),
        ("a: 1\n---\nb: 2\n", "yaml_syntax", "line 2"),
        ("a: [1, 2\nb: 3\n", "yaml_syntax", "line 2"),
        ("a: &r [*r]\n", "yaml_refused", "line 1"),
        ("a: " + "[" * 70 + "]" * 70 + "\n", "yaml_refused", "line 1"),
    ],
)
def test_refused_input_is_reported_with_its_line(text: str, code: str, line: str) -> None:
    assert (code, line) in _codes(text)


def test_merge_key_and_duplicate_do_not_change_the_value() -> None:
    doc = parse_yaml(b"a: 1\na: 2\nb: {<<: {c: 1}, d: 2}\n", file="f.yaml")
    assert doc.value == {"a": 1, "b": {"d": 2}}  # first key wins; the merge is dropped


def test_alias_count_is_limited() -> None:
    uses = ", ".join(["*a"] * (MAX_ALIASES + 1))
    doc = parse_yaml(f"x: &a 1\ny: [{uses}]\n".encode(), file="f.yaml")
    assert doc.value is None
    assert [p.message for p in doc.problems] == [f"more than {MAX_ALIASES} YAML aliases"]
    small = parse_yaml(b"x: &a [1, 2]\ny: [*a, *a]\n", file="f.yaml")
    assert small.value == {"x": [1, 2], "y": [[1, 2], [1, 2]]}


def test_expanded_size_is_limited_even_with_few_aliases() -> None:
    big = "[" + ", ".join(["0"] * (MAX_NODES // 8)) + "]"
    aliases = ", ".join(["*a"] * 10)
    doc = parse_yaml(f"x: &a {big}\ny: [{aliases}]\n".encode(), file="f.yaml")
    assert doc.value is None
    assert "after alias expansion" in doc.problems[0].message


def test_bad_encoding_is_a_problem_not_a_crash() -> None:
    doc = parse_yaml(b"a: \xff\xfe bad\n", file="f.yaml")
    assert doc.value is None
    assert doc.problems[0].code == "yaml_syntax"


def test_empty_document_has_no_value_and_no_problem() -> None:
    assert parse_yaml(b"# only a comment\n", file="f.yaml").value is None
    assert parse_yaml(b"# only a comment\n", file="f.yaml").problems == ()
