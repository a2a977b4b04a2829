"""Apply the MITRE medical CVSS rubric (DOMAIN.md §3) to stored answers and a base vector.

``apply_rubric(answers, base_vector)`` is pure and deterministic. Answers are stored once per
product/interface (code -> yes/no/unknown) and reused for every CVE on that component. A metric
with no answers keeps the base vector's value; once a metric has any answer, each of its flows is
walked and an unknown or unanswered question resolves to the worst value reachable from it. The
adjusted vector is CVSS v3.1 and is scored by the ``cvss`` library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from cvss import CVSS3, CVSSError

from hemostat.assess.rubric_model import METRIC_ORDER, Branch, MetricFlow, Rubric, load_rubric
from hemostat.errors import UsageError

__all__ = ["Answer", "MetricResult", "RubricResult", "apply_rubric", "parse_answers"]


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


_ALIASES = {"y": Answer.YES, "n": Answer.NO, "u": Answer.UNKNOWN}
_CODE_LETTER = {Answer.YES: "Y", Answer.NO: "N", Answer.UNKNOWN: "U"}


@dataclass(frozen=True, slots=True)
class MetricResult:
    metric: str
    value: str
    source: str  # "rubric" | "base" | "worst (no answers, no base vector)"
    rationale: str


@dataclass(frozen=True, slots=True)
class RubricResult:
    vector: str  # CVSS:3.1 base vector
    base_score: Decimal
    severity: str  # NONE | LOW | MEDIUM | HIGH | CRITICAL
    metrics: tuple[MetricResult, ...]
    extended: tuple[str, ...]  # "XAVN:Y", ... for every answered question, sorted by code
    rubric: str
    rubric_version: str
    base_vector: str | None

    @property
    def rationale(self) -> tuple[str, ...]:
        return tuple(m.rationale for m in self.metrics)


def parse_answers(raw: Mapping[str, str], rubric: Rubric | None = None) -> dict[str, Answer]:
    """Validate stored answers: known question codes, yes/no/unknown (or Y/N/U)."""
    rubric = rubric or load_rubric()
    parsed: dict[str, Answer] = {}
    for code, text in raw.items():
        key = code.strip().upper()
        if rubric.metric_of(key) is None:
            raise UsageError(f"unknown rubric question {code!r}", hint="codes look like XAVN, XCPM")
        word = text.strip().lower()
        try:
            parsed[key] = _ALIASES.get(word) or Answer(word)
        except ValueError:
            raise UsageError(f"rubric answer {code}={text!r}: use yes, no or unknown") from None
    return parsed


def _worst(flow: MetricFlow, branch: Branch) -> str:
    if branch.value is not None:
        return branch.value
    q = flow.questions[str(branch.next)]
    return flow.worse(_worst(flow, q.on_yes), _worst(flow, q.on_no))


def _walk(flow: MetricFlow, start: str, answers: Mapping[str, Answer]) -> tuple[str, str]:
    """Value of one flow and its path text, e.g. ``XAVN=yes -> XAVT=no -> ... => A``."""
    steps: list[str] = []
    code: str | None = start
    while code is not None:
        q = flow.questions[code]
        answer = answers.get(code)
        if answer in (Answer.YES, Answer.NO):
            branch = q.on_yes if answer is Answer.YES else q.on_no
            steps.append(f"{code}={answer}" + (f" ({branch.note})" if branch.note else ""))
            if branch.value is not None:
                return branch.value, " -> ".join(steps) + f" => {branch.value}"
            code = branch.next
            continue
        value = flow.worse(_worst(flow, q.on_yes), _worst(flow, q.on_no))
        label = "unknown" if answer is Answer.UNKNOWN else "unanswered"
        steps.append(f"{code}={label} => worse value {value}")
        return value, " -> ".join(steps)
    raise AssertionError("unreachable: every branch sets a value or names a question")


def _metric(
    flow: MetricFlow, answers: Mapping[str, Answer], base: Mapping[str, str] | None
) -> MetricResult:
    head = f"{flow.metric} ({flow.name})"
    if not any(code in answers for code in flow.questions):
        if base is not None:
            value = base[flow.metric]
            return MetricResult(flow.metric, value, "base", f"{head} = {value}: from base vector")
        value = flow.worst_first[0]
        why = f"{head} = {value}: not answered and no base vector, worse value"
        return MetricResult(flow.metric, value, "worst (no answers, no base vector)", why)
    walked = [_walk(flow, start, answers) for start in flow.flows]
    value = walked[0][0]
    for v, _ in walked[1:]:
        value = flow.worse(value, v)
    paths = "; ".join(path for _, path in walked)
    was = f" [base {base[flow.metric]}]" if base is not None else ""
    return MetricResult(flow.metric, value, "rubric", f"{head} = {value}: {paths}{was}")


def _base_metrics(vector: str) -> dict[str, str]:
    try:
        parsed = CVSS3(vector.strip())
    except CVSSError as exc:
        raise UsageError(f"base vector {vector!r} is not a CVSS v3 vector: {exc}") from None
    return {m: str(parsed.metrics[m]) for m in METRIC_ORDER}


def apply_rubric(
    answers: Mapping[str, str], base_vector: str | None = None, rubric: Rubric | None = None
) -> RubricResult:
    """Adjusted CVSS v3.1 base vector, score and per-metric rationale from rubric answers."""
    rubric = rubric or load_rubric()
    parsed = parse_answers(answers, rubric)
    base = _base_metrics(base_vector) if base_vector is not None else None
    results = tuple(_metric(rubric.metrics[m], parsed, base) for m in METRIC_ORDER)
    vector = "CVSS:3.1/" + "/".join(f"{r.metric}:{r.value}" for r in results)
    scored = CVSS3(vector)
    return RubricResult(
        vector=vector,
        base_score=Decimal(str(scored.base_score)),
        severity=str(scored.severities()[0]).upper(),
        metrics=results,
        extended=tuple(f"{code}:{_CODE_LETTER[a]}" for code, a in sorted(parsed.items())),
        rubric=rubric.name,
        rubric_version=rubric.version,
        base_vector=base_vector,
    )
