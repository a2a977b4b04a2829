"""Validation of stored risk answers: scopes, rubric codes, context questions, worse defaults.

Rubric answers (XAVN, ...) and the risk context SSVC and the postmarket assessment need (patient
harm severity, exposure, automatable, ...) are stored alike, per (product, scope). An unanswered or
``unknown`` context question resolves to its worse value, as the rubric does for its questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from hemostat.assess.rubric import parse_answers
from hemostat.assess.rubric_model import load_rubric
from hemostat.assess.ssvc import HUMAN_IMPACT, load_table
from hemostat.domain.threat import HarmSeverity
from hemostat.errors import UsageError

__all__ = ["CONTEXT", "DATES", "UNKNOWN", "check_answers", "check_scope", "worst"]

UNKNOWN = "unknown"
SCOPE_KINDS = ("product", "interface:", "component:", "vulnerability:")


def _mission_values() -> tuple[str, ...]:
    [point] = [p for p in load_table(HUMAN_IMPACT).inputs if p.name == "Mission Impact"]
    return tuple(sorted(point.values, key=_MISSION_ORDER.index, reverse=True))


_MISSION_ORDER = ("degraded", "mef support crippled", "mef failure", "mission failure")

# Context questions, allowed values worst first (an unknown answer takes the first).
CONTEXT: Mapping[str, tuple[str, ...]] = {
    "harm_severity": tuple(reversed([h.value for h in HarmSeverity])),  # ISO 14971, patient harm
    "exposure": ("open", "controlled", "small"),  # SSVC System Exposure
    "automatable": ("yes", "no"),  # SSVC Automatable
    "value_density": ("concentrated", "diffuse"),  # SSVC Value Density
    "technical_impact": ("total", "partial"),  # SSVC Technical Impact (else from the vector)
    "mission_impact": _mission_values(),  # SSVC Mission Impact (deployer)
    "isao": ("no", "yes"),  # does the manufacturer take part in an ISAO (§2.3 condition 4)
}
# Per-vulnerability facts (scope "vulnerability:<id>"): ISO dates, or yes/no.
DATES = ("learned_on", "customer_notified_on", "fix_distributed_on")
FLAGS = ("adverse_event",)


def check_scope(scope: str) -> str:
    s = scope.strip()
    if s == "product" or any(s.startswith(k) and len(s) > len(k) for k in SCOPE_KINDS[1:]):
        return s
    raise UsageError(
        f"unknown answer scope {scope!r}",
        location="scope",
        hint="product, interface:<name>, component:<identity> or vulnerability:<id>",
    )


def _check_fact(question: str, answer: str) -> str:
    if question in DATES:
        try:
            return date.fromisoformat(answer.strip()).isoformat()
        except ValueError:
            raise UsageError(f"{question}={answer!r}: use an ISO date (YYYY-MM-DD)") from None
    if answer.strip().lower() not in ("yes", "no"):
        raise UsageError(f"{question}={answer!r}: use yes or no")
    return answer.strip().lower()


def _check_context(question: str, answer: str) -> str:
    value = answer.strip().lower()
    allowed = CONTEXT[question]
    if value != UNKNOWN and value not in allowed:
        raise UsageError(
            f"{question}={answer!r} is not allowed",
            location=question,
            hint=f"one of: {', '.join(allowed)}, unknown",
        )
    return value


def check_answers(scope: str, answers: Mapping[str, str]) -> dict[str, str]:
    """Normalized answers; a bad one raises UsageError naming the question and allowed values."""
    if not answers:
        raise UsageError("no answers given", hint="--set QUESTION=ANSWER, e.g. --set XAVN=yes")
    out: dict[str, str] = {}
    rubric = load_rubric()
    for question, answer in answers.items():
        q = question.strip()
        if scope.startswith("vulnerability:"):
            if q not in (*DATES, *FLAGS):
                raise UsageError(
                    f"{q!r} cannot be answered per vulnerability",
                    hint=f"per-vulnerability facts: {', '.join((*DATES, *FLAGS))}",
                )
            out[q] = _check_fact(q, answer)
        elif q.lower() in CONTEXT:
            out[q.lower()] = _check_context(q.lower(), answer)
        elif rubric.metric_of(q.upper()) is not None:
            [(code, parsed)] = parse_answers({q: answer}, rubric).items()
            out[code] = parsed.value
        else:
            known = ", ".join(CONTEXT)
            raise UsageError(
                f"unknown question {question!r}",
                location="question",
                hint=f"rubric codes such as XAVN, or one of: {known}",
            )
    return out


def worst(question: str) -> str:
    return CONTEXT[question][0]
