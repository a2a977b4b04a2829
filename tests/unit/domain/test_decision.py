"""Decision validation and the record hash."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.domain.decision import (
    GENESIS,
    AnalysisRecord,
    hashed_fields,
    parse_status,
    record_hash,
    validate_decision,
)
from hemostat.errors import UsageError

REC = AnalysisRecord(
    "pump@1.0", "pkg:generic/lwip", "lwip", "CVE-1", VexStatus.NOT_AFFECTED,
    Justification.CODE_NOT_PRESENT, (), "d", "alice", "why", datetime(2026, 1, 2, tzinfo=UTC),
    1, GENESIS, "",
)  # fmt: skip


@pytest.mark.parametrize(
    ("status", "just", "resp", "field"),
    [
        (VexStatus.NOT_AFFECTED, None, (), "justification"),
        (VexStatus.AFFECTED, Justification.CODE_NOT_PRESENT, (), "justification"),
        (VexStatus.FIXED, Justification.CODE_NOT_PRESENT, (), "justification"),
        (VexStatus.UNDER_INVESTIGATION, None, (Response.UPDATE,), "response"),
        (VexStatus.NOT_AFFECTED, Justification.CODE_NOT_PRESENT, (Response.UPDATE,), "response"),
        (VexStatus.AFFECTED, None, (Response.UPDATE, Response.UPDATE), "response"),
    ],
)
def test_illegal_combinations(status, just, resp, field):  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as err:
        validate_decision(status, just, resp)
    assert err.value.location == field


def test_errors_list_allowed_values() -> None:
    with pytest.raises(UsageError, match="under_investigation, affected, not_affected, fixed"):
        parse_status("exploitable")
    with pytest.raises(UsageError) as err:
        validate_decision(VexStatus.NOT_AFFECTED, None, ())
    assert "code_not_reachable" in (err.value.hint or "")


@pytest.mark.parametrize(
    ("status", "just", "resp"),
    [
        (VexStatus.NOT_AFFECTED, Justification.COMPONENT_NOT_PRESENT, ()),
        (VexStatus.AFFECTED, None, (Response.UPDATE, Response.WORKAROUND_AVAILABLE)),
        (VexStatus.FIXED, None, (Response.UPDATE,)),
        (VexStatus.UNDER_INVESTIGATION, None, ()),
    ],
)
def test_legal_combinations(status, just, resp):  # type: ignore[no-untyped-def]
    validate_decision(status, just, resp)


def test_hash_is_deterministic_and_covers_every_field() -> None:
    h = record_hash(GENESIS, hashed_fields(REC))
    assert h == record_hash(GENESIS, dict(reversed(hashed_fields(REC).items())))
    assert len(h) == 64 and h != record_hash("1" * 64, hashed_fields(REC))
    for change in ({"author": "bob"}, {"detail": "e"}, {"sequence": 2}, {"bom_ref": "x"},
                   {"at": datetime(2026, 1, 3, tzinfo=UTC)}, {"origin": "supplier:doc"},
                   {"justification": Justification.CODE_NOT_REACHABLE}):  # fmt: skip
        assert record_hash(GENESIS, hashed_fields(replace(REC, **change))) != h


def test_record_names() -> None:
    carried = replace(REC, origin="carried:pump@0.9")
    assert (REC.product, REC.carried_from, carried.carried_from) == ("pump", None, "pump@0.9")
