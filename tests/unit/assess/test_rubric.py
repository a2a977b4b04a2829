from __future__ import annotations

from decimal import Decimal

import pytest
from cvss import CVSS3

from hemostat.assess.rubric import apply_rubric, parse_answers
from hemostat.assess.rubric_model import load_rubric, rubric_from_dict
from hemostat.errors import UsageError

BASE = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
NO_IMPACT = dict.fromkeys(("XCP", "XCD", "XCT", "XCW", "XCS", "XCO"), "no")


def metric(answers: dict[str, str], name: str, base: str | None = BASE) -> str:
    return next(m.value for m in apply_rubric(answers, base).metrics if m.metric == name)


# DOMAIN.md §3.1 Attack Vector table, row by row (yes/no paths and the Unknown column).
@pytest.mark.parametrize(
    ("answers", "av"),
    [
        ({"XAVN": "yes", "XAVT": "yes"}, "N"),
        ({"XAVN": "yes", "XAVT": "no", "XAVW": "yes", "XAVR": "yes"}, "L"),
        ({"XAVN": "yes", "XAVT": "no", "XAVW": "yes", "XAVR": "no"}, "A"),
        ({"XAVN": "yes", "XAVT": "no", "XAVW": "no"}, "A"),
        ({"XAVN": "no", "XAVP": "yes", "XAVPA": "yes"}, "P"),
        ({"XAVN": "no", "XAVP": "yes", "XAVPA": "no"}, "P"),
        ({"XAVN": "no", "XAVP": "no"}, "L"),
        # unknown -> worse value
        ({"XAVN": "unknown"}, "N"),
        ({"XAVN": "yes", "XAVT": "unknown"}, "N"),
        ({"XAVN": "yes", "XAVT": "no", "XAVW": "unknown"}, "A"),
        ({"XAVN": "yes", "XAVT": "no", "XAVW": "yes", "XAVR": "u"}, "A"),
        ({"XAVN": "no", "XAVP": "unknown"}, "L"),
        ({"XAVN": "no", "XAVP": "yes"}, "P"),  # XAVPA unanswered: both answers give P
    ],
)
def test_attack_vector_flow(answers: dict[str, str], av: str) -> None:
    assert metric(answers, "AV", base="CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == av


@pytest.mark.parametrize(
    ("answers", "name", "value"),
    [
        ({"XACL": "yes"}, "AC", "L"),
        ({"XACL": "no"}, "AC", "H"),
        ({"XACL": "unknown"}, "AC", "L"),
        ({"XPRL": "no"}, "PR", "N"),
        ({"XPRL": "yes", "XPRZ": "no"}, "PR", "N"),
        ({"XPRL": "yes", "XPRZ": "yes", "XPRS": "yes"}, "PR", "H"),
        ({"XPRL": "yes", "XPRZ": "yes", "XPRS": "no"}, "PR", "L"),
        ({"XPRL": "yes", "XPRZ": "yes", "XPRS": "unknown"}, "PR", "L"),
        ({"XPRL": "unknown"}, "PR", "N"),
        ({"XUI": "no"}, "UI", "N"),
        ({"XUI": "yes"}, "UI", "R"),
        ({"XUI": "unknown"}, "UI", "N"),
        ({"XS": "no"}, "S", "U"),
        ({"XS": "yes"}, "S", "C"),
        ({"XS": "unknown"}, "S", "C"),
    ],
)
def test_single_flow_metrics(answers: dict[str, str], name: str, value: str) -> None:
    worst_other = "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H"
    assert metric(answers, name, base=worst_other) == value


@pytest.mark.parametrize(
    ("changes", "c"),
    [
        ({}, "N"),
        ({"XCP": "yes", "XCPM": "no"}, "L"),
        ({"XCP": "yes", "XCPM": "yes"}, "H"),
        ({"XCP": "yes", "XCPM": "unknown"}, "H"),
        ({"XCP": "unknown"}, "H"),
        ({"XCT": "yes"}, "H"),
        ({"XCS": "unknown"}, "H"),
        ({"XCP": "yes", "XCPM": "no", "XCW": "yes"}, "H"),
    ],
)
def test_confidentiality_takes_worst_category(changes: dict[str, str], c: str) -> None:
    assert metric({**NO_IMPACT, **changes}, "C") == c


def test_integrity_and_availability_categories() -> None:
    cats = ("P", "D", "T", "W", "S", "O")
    none_i = {f"XI{c}": "no" for c in cats}
    assert metric(none_i, "I") == "N"
    assert metric({**none_i, "XIT": "yes"}, "I") == "H"
    assert metric({**none_i, "XIO": "unknown"}, "I") == "H"
    partial = {"XAD": "no"}  # other categories unanswered -> unknown -> H
    assert metric(partial, "A") == "H"
    assert metric({f"XA{c}": "no" for c in cats}, "A") == "N"


def test_unanswered_metric_keeps_base_and_no_base_means_worst() -> None:
    r = apply_rubric({"XACL": "no"}, "CVSS:3.0/AV:P/AC:L/PR:H/UI:R/S:U/C:N/I:L/A:N")
    assert r.vector == "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:L/A:N"
    assert [m.source for m in r.metrics].count("base") == 7
    worst = apply_rubric({})
    assert worst.vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    assert worst.base_score == Decimal("10.0")


def test_full_example_scores_match_cvss_library_and_rationale() -> None:
    answers = {
        "XAVN": "yes", "XAVT": "no", "XAVW": "yes", "XAVR": "yes",  # BLE, short range
        "XACL": "yes", "XPRL": "no", "XUI": "no", "XS": "no",
        **NO_IMPACT, "XCT": "yes",
        "XIP": "no", "XID": "no", "XIT": "yes", "XIW": "no", "XIS": "no", "XIO": "no",
        "XAP": "no", "XAD": "no", "XAT": "yes", "XAW": "no", "XAS": "no", "XAO": "no",
    }  # fmt: skip
    r = apply_rubric(answers, BASE)
    assert r.vector == "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert r.base_score == Decimal(str(CVSS3(r.vector).base_score)) == Decimal("8.4")
    assert r.severity == "HIGH"
    assert all(m.source == "rubric" for m in r.metrics)
    assert r.rationale[0].startswith("AV (Attack Vector) = L: XAVN=yes -> XAVT=no")
    assert "XAVT:N" in r.extended and len(r.extended) == len(answers)
    assert r.rubric_version == "2019"


def test_deterministic_regardless_of_answer_order() -> None:
    a = {"XAVN": "no", "XAVP": "no", "XUI": "yes", "XS": "unknown"}
    b = dict(reversed(list(a.items())))
    assert apply_rubric(a, BASE) == apply_rubric(b, BASE)


def test_bad_answers_and_vectors() -> None:
    with pytest.raises(UsageError, match="XNOPE"):
        parse_answers({"XNOPE": "yes"})
    with pytest.raises(UsageError, match="yes, no or unknown"):
        parse_answers({"XAVN": "maybe"})
    with pytest.raises(UsageError, match="not a CVSS v3 vector"):
        apply_rubric({}, "CVSS:2.0/AV:N")


def test_rubric_data_is_checked_on_load() -> None:
    rubric = load_rubric()
    assert sum(len(m.questions) for m in rubric.metrics.values()) == 31
    broken = {
        "name": "x",
        "version": "1",
        "unknown_rule": "worse",
        "metrics": {
            m: {
                "name": m,
                "worst_first": ["H", "L"],
                "flows": ["Q"],
                "questions": {"Q": {"text": "?", "on_yes": {"next": "Q"}, "on_no": {"set": "H"}}},
            }
            for m in ("AV", "AC", "PR", "UI", "S", "C", "I", "A")
        },
    }
    with pytest.raises(UsageError, match="loop"):
        rubric_from_dict(broken)
