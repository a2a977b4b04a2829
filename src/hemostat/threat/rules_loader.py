"""Load threat rules (``rules/*.yaml``, docs/threat-model-format.md "Rule files").

Each file is a YAML list of rules, validated against ``threat-rules.schema.json``; every
``when`` is compiled when loaded (``conditions.compile_condition``), rule ids are unique across
all files, and every problem is reported together (``ThreatModelError``, file and line each).

``RULES_VERSION`` identifies the built-in rule set: a SHA-256 prefix over the rules' content
(``rules_digest``), so an analysis records exactly which rules produced it. It is computed on
first use, so a broken rule file never breaks ``import``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from hemostat.domain.threat import (
    FdaControlCategory,
    Level,
    RuleTarget,
    SourceRef,
    Stride,
    ThreatRule,
)
from hemostat.errors import Diagnostic, ThreatModelError
from hemostat.threat.conditions import ConditionError, compile_condition
from hemostat.threat.model_schema import RULES_SCHEMA, schema_problems
from hemostat.threat.model_yaml import MAX_BYTES, YamlDoc, child, parse_yaml, problem

BUILTIN_RULES = Path(__file__).parent / "rules"
RULES_VERSION: str  # provided lazily by __getattr__ below


def load_rules(dirs: Sequence[Path] | None = None) -> tuple[ThreatRule, ...]:
    """Rules from ``*.yaml``/``*.yml`` in ``dirs`` (default: the built-in rules), sorted by id."""
    folders = [BUILTIN_RULES] if dirs is None else list(dirs)
    problems: list[Diagnostic] = []
    rules: dict[str, ThreatRule | None] = {}
    first_at: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            problems.append(problem("not_found", "rules folder not found", str(folder), 1))
            continue
        paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")], key=lambda p: p.name)
        for path in paths:
            entries, found = _load_file(path)
            problems += found
            for ident, line, rule in entries:
                if ident in first_at:
                    msg = f"duplicate rule id `{ident}` (first at {first_at[ident]})"
                    problems.append(problem("duplicate_id", msg, str(path), line))
                else:
                    first_at[ident], rules[ident] = f"{path} line {line}", rule
    if problems:
        raise ThreatModelError(problems, file=str(folders[0]), what="threat rules")
    return tuple(rule for _, rule in sorted(rules.items()) if rule is not None)


def rules_digest(rules: Sequence[ThreatRule]) -> str:
    """SHA-256 prefix over the rules' content (not their file positions), sorted by id."""
    content = [
        {k: v for k, v in asdict(rule).items() if k != "source"}
        for rule in sorted(rules, key=lambda r: r.id)
    ]
    return hashlib.sha256(orjson.dumps(content)).hexdigest()[:16]


@cache
def _builtin_version() -> str:
    return rules_digest(load_rules())


def __getattr__(name: str) -> str:
    if name == "RULES_VERSION":
        return _builtin_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_Entry = tuple[str, int, ThreatRule | None]  # id, line, the rule (None if its file has problems)


def _load_file(path: Path) -> tuple[list[_Entry], list[Diagnostic]]:
    file = str(path)
    if path.stat().st_size > MAX_BYTES:
        return [], [problem("file_too_large", f"file is over {MAX_BYTES} bytes", file, 1)]
    doc = parse_yaml(path.read_bytes(), file=file)
    problems = list(doc.problems)
    if doc.value is None:
        return [], problems  # an empty file holds no rules; a broken one is reported
    problems += schema_problems(doc, name=RULES_SCHEMA, file=file)
    entries = doc.value if isinstance(doc.value, list) else []
    problems += [p for i, raw in enumerate(entries) if (p := _compile(raw, doc, i, file))]
    out: list[_Entry] = []
    for i, raw in enumerate(entries):
        ident = raw.get("id") if isinstance(raw, Mapping) else None
        if isinstance(ident, str):
            line = doc.line(child("", i))
            rule = None if problems else _build(raw, SourceRef(path.name, line))
            out.append((ident, line, rule))
    return out, problems


def _compile(raw: Any, doc: YamlDoc, index: int, file: str) -> Diagnostic | None:
    """The rule's ``when`` compiled for its target; the problem if it is not in the language."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("when"), str):
        return None
    try:
        target = RuleTarget(str(raw.get("target")))
    except ValueError:
        return None  # the schema reports the bad target
    try:
        compile_condition(raw["when"], target)
    except ConditionError as exc:
        rule = raw.get("id", "?")
        line = doc.line(child(child("", index), "when"))
        return problem("rule_condition", f"rule `{rule}`: {exc}", file, line)
    return None


def _build(raw: Mapping[str, Any], source: SourceRef) -> ThreatRule:
    return ThreatRule(
        id=raw["id"],
        title=raw["title"],
        stride=Stride(raw["stride"]),
        target=RuleTarget(raw["target"]),
        condition=raw["when"],
        description=raw["description"],
        mitigated_by=tuple(raw["mitigated_by"]),
        exploitability=Level(raw.get("exploitability", "medium")),
        capec=tuple(raw.get("capec", ())),
        cwe=tuple(raw.get("cwe", ())),
        fda_categories=tuple(FdaControlCategory(c) for c in raw.get("fda_categories", ())),
        iec62443=tuple(raw.get("iec62443", ())),
        nist80053=tuple(raw.get("nist80053", ())),
        source=source,
    )
