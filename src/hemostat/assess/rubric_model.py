"""The MITRE medical CVSS rubric as typed, checked data (loaded from ``data/rubric/*.yaml``).

The YAML format is described at the top of ``mitre-rubric.yaml``. Loading checks that every
``next`` names a question of the same metric, every ``set`` is one of the metric's values, and no
flow loops, so evaluation can walk the flows without further checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from hemostat.errors import UsageError

__all__ = ["METRIC_ORDER", "Branch", "MetricFlow", "Question", "Rubric", "load_rubric"]

METRIC_ORDER = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")  # CVSS v3.1 base vector order
DEFAULT_RUBRIC = "mitre-rubric"


@dataclass(frozen=True, slots=True)
class Branch:
    value: str | None  # the CVSS value this answer sets, or
    next: str | None  # the question it leads to
    note: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    code: str  # extended vector element, e.g. "XAVN"
    text: str
    on_yes: Branch
    on_no: Branch


@dataclass(frozen=True, slots=True)
class MetricFlow:
    metric: str  # "AV"
    name: str  # "Attack Vector"
    worst_first: tuple[str, ...]
    flows: tuple[str, ...]  # start question codes; the metric is the worst across flows
    questions: Mapping[str, Question]

    def worse(self, a: str, b: str) -> str:
        return a if self.worst_first.index(a) <= self.worst_first.index(b) else b


@dataclass(frozen=True, slots=True)
class Rubric:
    name: str
    version: str
    metrics: Mapping[str, MetricFlow]

    def metric_of(self, code: str) -> MetricFlow | None:
        return next((m for m in self.metrics.values() if code in m.questions), None)


def _str(raw: Mapping[str, object], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise UsageError(f"rubric {where}: '{key}' must be a non-empty string")
    return value


def _branch(raw: object, where: str, values: tuple[str, ...], codes: set[str]) -> Branch:
    if not isinstance(raw, Mapping):
        raise UsageError(f"rubric {where}: expected {{set: VALUE}} or {{next: CODE}}")
    value, nxt, note = raw.get("set"), raw.get("next"), str(raw.get("note", ""))
    if (value is None) == (nxt is None):
        raise UsageError(f"rubric {where}: give exactly one of 'set' and 'next'")
    if value is not None and value not in values:
        raise UsageError(f"rubric {where}: set {value!r} is not one of: {', '.join(values)}")
    if nxt is not None and nxt not in codes:
        raise UsageError(f"rubric {where}: next {nxt!r} is not a question of this metric")
    return Branch(str(value) if value is not None else None, str(nxt) if nxt else None, note)


def _metric(metric: str, raw: object) -> MetricFlow:
    if not isinstance(raw, Mapping):
        raise UsageError(f"rubric metric {metric}: expected a mapping")
    values = tuple(str(v) for v in raw.get("worst_first", ()))
    questions = raw.get("questions")
    flows = tuple(str(f) for f in raw.get("flows", ()))
    if not values or not flows or not isinstance(questions, Mapping):
        raise UsageError(f"rubric metric {metric}: needs worst_first, flows and questions")
    codes = {str(c) for c in questions}
    parsed: dict[str, Question] = {}
    for code, q in questions.items():
        where = f"{metric}.{code}"
        if not isinstance(q, Mapping):
            raise UsageError(f"rubric {where}: expected a mapping")
        yes = _branch(q.get("on_yes"), f"{where}.on_yes", values, codes)
        no = _branch(q.get("on_no"), f"{where}.on_no", values, codes)
        parsed[str(code)] = Question(str(code), _str(q, "text", where), yes, no)
    flow = MetricFlow(metric, _str(raw, "name", metric), values, flows, parsed)
    for start in flows:
        if start not in parsed:
            raise UsageError(f"rubric metric {metric}: flow start {start!r} is not a question")
        _check_acyclic(flow, start, ())
    return flow


def _check_acyclic(flow: MetricFlow, code: str, seen: tuple[str, ...]) -> None:
    if code in seen:
        raise UsageError(f"rubric metric {flow.metric}: loop through {' -> '.join(seen)}")
    q = flow.questions[code]
    for branch in (q.on_yes, q.on_no):
        if branch.next is not None:
            _check_acyclic(flow, branch.next, (*seen, code))


def rubric_from_dict(data: Mapping[str, object]) -> Rubric:
    metrics = data.get("metrics")
    if not isinstance(metrics, Mapping) or set(metrics) != set(METRIC_ORDER):
        raise UsageError(f"rubric needs exactly the metrics {', '.join(METRIC_ORDER)}")
    if data.get("unknown_rule") != "worse":
        raise UsageError("rubric 'unknown_rule' must be 'worse' (the only rule implemented)")
    flows = {m: _metric(m, metrics[m]) for m in METRIC_ORDER}
    return Rubric(_str(data, "name", "header"), _str(data, "version", "header"), flows)


@cache
def load_rubric(name: str = DEFAULT_RUBRIC) -> Rubric:
    """A bundled rubric by file stem (``mitre-rubric``), parsed and checked once."""
    resource = files("hemostat") / "data" / "rubric" / f"{name}.yaml"
    if not resource.is_file():
        raise UsageError(f"no bundled rubric named {name!r}")
    data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise UsageError(f"rubric {name!r} is not a YAML mapping")
    return rubric_from_dict(data)
