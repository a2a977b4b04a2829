"""Triage decisions on SQLite and PostgreSQL: append-only history, carry-forward, removed
components, conflicts, and the audit chain."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from hemostat.config import Settings
from hemostat.domain.assessment import VexStatus
from hemostat.domain.decision import AnalysisRecord
from hemostat.errors import ConflictError, NotFoundError, UsageError
from hemostat.services import audit, catalog, findings, sboms, scan, triage
from hemostat.services.feeds import Intel
from hemostat.services.uow import engine_for, unit_of_work
from hemostat.store import decision_repositories as drepo

ASSETS = Path(__file__).resolve().parents[1] / "assets"
LWIP = "lwip"  # bom-ref in both mini SBOMs' first revision; absent from mini-2


@pytest.fixture(scope="module")
def intel(tmp_path_factory: pytest.TempPathFactory) -> Intel:
    dbfile = tmp_path_factory.mktemp("feeds") / "feeds.db"
    return scan.load_local_intel(Settings(database_url=f"sqlite:///{dbfile}"))


def _import(s: Settings, intel: Intel, release: str, asset: str) -> None:
    with unit_of_work(s) as session:
        sboms.import_sbom(session, product="pump", release=release, path=ASSETS / asset)
        findings.analyze_release(session, "pump", release, intel=intel)


@pytest.fixture
def pump(settings: Settings, intel: Intel) -> Settings:
    with unit_of_work(settings) as session:
        catalog.add_product(session, key="pump", name="Pump", manufacturer="ACME")
        catalog.add_release(session, product="pump", version="1.0")
        catalog.add_release(session, product="pump", version="2.0")
    _import(settings, intel, "1.0", "mini-1.cdx.json")
    return settings


def _set(s: Settings, release: str = "1.0", vuln: str = "CVE-2020-22283", **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "product": "pump", "release": release, "vulnerability": vuln, "component": LWIP,
        "status": "affected", "author": "alice", "reason": "triage",
    }  # fmt: skip
    args.update(kw)
    with unit_of_work(s) as session:
        return triage.set_decision(session, **args)  # type: ignore[arg-type]


def _current(s: Settings, release: str) -> dict[tuple[str, str], AnalysisRecord]:
    with unit_of_work(s) as session:
        recs = triage.decisions_for_release(session, "pump", release)
    return {(r.bom_ref, r.vulnerability): r for r in recs}


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"status": "not_affected"}, "justification"),
        ({"status": "affected", "justification": "code_not_present"}, "justification"),
        ({"status": "exploitable"}, "status"),
        ({"status": "not_affected", "justification": "nope"}, "justification"),
        ({"status": "under_investigation", "response": ("update",)}, "response"),
        ({"status": "affected", "response": ("later",)}, "response"),
        ({"reason": " "}, "reason"),
    ],
)
def test_illegal_combinations_name_the_field(
    pump: Settings, kw: dict[str, object], field: str
) -> None:
    with pytest.raises(UsageError) as err:
        _set(pump, **kw)  # type: ignore[arg-type]
    assert err.value.location == field
    with unit_of_work(pump) as session:
        assert triage.history(session, product="pump") == []


def test_unknown_component_is_not_found(pump: Settings) -> None:
    with pytest.raises(NotFoundError):
        _set(pump, component="nothing-like-it")


def test_history_is_append_only_and_chained(pump: Settings) -> None:
    first = _set(pump, status="under_investigation")
    second = _set(pump, status="not_affected", justification="code_not_reachable", detail="d")
    third = _set(pump, status="affected", response=("update",), author="bob", reason="new PoC")
    assert [r.sequence for r in (first, second, third)] == [1, 2, 3]
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    with unit_of_work(pump) as session:
        hist = triage.history(session, product="pump", vulnerability="CVE-2020-22283")
        assert hist == [first, second, third]
        report = audit.verify(session)
    assert report.ok and report.records == 3
    now = _current(pump, "1.0")[(LWIP, "CVE-2020-22283")]
    assert now.status is VexStatus.AFFECTED and now.confirmed and now.author == "bob"


def test_carry_forward_to_new_release_until_confirmed(pump: Settings, intel: Intel) -> None:
    _set(pump, vuln="CVE-X", component="wolfssl", status="not_affected",
         justification="protected_at_runtime")  # fmt: skip
    _import(pump, intel, "2.0", "mini-1.cdx.json")
    carried = _current(pump, "2.0")[("wolfssl", "CVE-X")]
    assert not carried.confirmed and carried.carried_from == "pump@1.0"
    assert carried.status is VexStatus.NOT_AFFECTED and not carried.component_removed
    _set(pump, release="2.0", vuln="CVE-X", component="wolfssl", status="affected")
    confirmed = _current(pump, "2.0")[("wolfssl", "CVE-X")]
    assert confirmed.confirmed and confirmed.origin == "manual"
    assert confirmed.status is VexStatus.AFFECTED
    assert _current(pump, "1.0")[("wolfssl", "CVE-X")].status is VexStatus.NOT_AFFECTED


def test_new_revision_keeps_decisions_and_marks_removed_component(
    pump: Settings, intel: Intel
) -> None:
    _set(pump, vuln="CVE-L", status="not_affected", justification="code_not_present")
    _set(pump, vuln="CVE-W", component="wolfssl", status="fixed")
    _import(pump, intel, "1.0", "mini-2.cdx.json")  # revision 2: lwip gone, wolfssl upgraded
    now = _current(pump, "1.0")
    assert now[(LWIP, "CVE-L")].component_removed
    assert now[(LWIP, "CVE-L")].justification is not None
    assert not now[("wolfssl", "CVE-W")].component_removed
    assert now[("wolfssl", "CVE-W")].confirmed
    # a removed component can still be decided on by identity; history keeps every record
    ident = now[(LWIP, "CVE-L")].identity
    _set(pump, vuln="CVE-L", component=ident, status="fixed", reason="removed in rev 2")
    with unit_of_work(pump) as session:
        assert len(triage.history(session, product="pump", identity=ident)) == 2


def test_stale_expected_sequence_conflicts_and_both_attempts_are_kept(pump: Settings) -> None:
    _set(pump, status="under_investigation")
    _set(pump, status="affected", author="alice", expected_sequence=1)
    with pytest.raises(ConflictError):
        _set(pump, status="fixed", author="bob", expected_sequence=1)
    with unit_of_work(pump) as session:
        hist = triage.history(session, product="pump")
        key = drepo.key_hash("pump", hist[0].identity, hist[0].vulnerability)
        lost = drepo.conflicts_of(session, key)
    assert [r.author for r in hist] == ["alice", "alice"]
    assert len(lost) == 1 and lost[0].author == "bob" and lost[0].attempt["status"] == "fixed"
    assert (lost[0].expected_sequence, lost[0].found_sequence) == (1, 2)


def test_triage_list_orders_and_filters(pump: Settings) -> None:
    with unit_of_work(pump) as session:
        queue = triage.triage_list(session, product="pump")
    assert queue, "mini-1 has findings in the bundled snapshot"
    keys = [triage.priority_key(i) for i in queue]
    assert keys == sorted(keys)
    top = queue[0]
    _set(pump, vuln=top.vulnerability, component=top.bom_ref, status="fixed")
    with unit_of_work(pump) as session:
        fixed = triage.triage_list(session, release="1.0", state="fixed")
        open_ = triage.triage_list(session, product="pump", state="untriaged")
        hooked = triage.triage_list(
            session,
            risk=lambda i: triage.RiskInfo(uncontrolled=i.vulnerability == queue[-1].vulnerability),
        )
    assert [(i.vulnerability, i.bom_ref) for i in fixed] == [(top.vulnerability, top.bom_ref)]
    assert len(open_) == len(queue) - 1
    assert hooked[0].vulnerability == queue[-1].vulnerability


def test_audit_detects_update_and_delete_behind_its_back(pump: Settings) -> None:
    for status in ("under_investigation", "affected", "fixed"):
        _set(pump, status=status)
    _set(pump, vuln="CVE-2", status="affected")
    engine = engine_for(pump)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE analysis_records SET status = 'not_affected' WHERE id = 2"))
    with unit_of_work(pump) as session:
        report = audit.verify(session)
    assert not report.ok and report.broken_at == 2 and "edited" in report.problem
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE analysis_records SET status = 'affected' WHERE id = 2"))
        conn.execute(sa.text("DELETE FROM analysis_records WHERE id = 3"))
    with unit_of_work(pump) as session:
        report = audit.verify(session)
    assert not report.ok and report.broken_at == 4


def test_lost_race_on_the_unique_sequence_is_a_recorded_conflict(
    pump: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set(pump, status="under_investigation", author="alice")
    real = drepo.latest_of_key
    calls: list[int] = []

    def stale_first_read(session: object, key: str) -> object:
        calls.append(1)
        return None if len(calls) == 1 else real(session, key)  # type: ignore[arg-type]

    monkeypatch.setattr(drepo, "latest_of_key", stale_first_read)
    with pytest.raises(ConflictError):
        _set(pump, status="fixed", author="bob")  # read "nothing yet", insert hits sequence 1
    monkeypatch.setattr(drepo, "latest_of_key", real)
    with unit_of_work(pump) as session:
        hist = triage.history(session, product="pump")
        lost = drepo.conflicts_of(
            session, drepo.key_hash("pump", hist[0].identity, "CVE-2020-22283")
        )
        assert audit.verify(session).ok
    assert [h.author for h in hist] == ["alice"]
    assert [(c.author, c.found_sequence) for c in lost] == [("bob", 1)]
