"""Property: for any sequence of SBOM imports and decisions, every decision ever made is
retrievable through history(), every decided key is shown for every release, and the audit
chain verifies. SQLite only (each example copies one migrated template database)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from hemostat.config import Settings
from hemostat.errors import NotFoundError
from hemostat.services import audit, catalog, sboms, triage
from hemostat.services.uow import engine_for, unit_of_work, upgrade_database

ASSETS = Path(__file__).resolve().parents[1] / "assets"
RELEASES = ("1.0", "2.0", "3.0")
DECISIONS = (
    ("affected", None),
    ("fixed", None),
    ("under_investigation", None),
    ("not_affected", "code_not_present"),
    ("not_affected", "protected_at_perimeter"),
)
_TEMPLATE: list[Path] = []


def _template() -> Path:
    """One migrated database with a product and three releases, copied for every example."""
    if not _TEMPLATE:
        path = Path(tempfile.mkdtemp(prefix="hemostat-prop-")) / "template.db"
        s = Settings(database_url=f"sqlite:///{path}")
        upgrade_database(settings=s)
        with unit_of_work(s) as session:
            catalog.add_product(session, key="pump", name="Pump", manufacturer="ACME")
            for r in RELEASES:
                catalog.add_release(session, product="pump", version=r)
        engine_for(s).dispose()
        _TEMPLATE.append(path)
    return _TEMPLATE[0]


class Decisions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="hemostat-prop-"))
        shutil.copy(_template(), self.dir / "h.db")
        self.s = Settings(database_url=f"sqlite:///{self.dir / 'h.db'}")
        self.made: list[tuple[str, str, str, str]] = []  # (release, vuln, status, reason)

    @rule(release=st.sampled_from(RELEASES), asset=st.sampled_from(["mini-1", "mini-2"]))
    def import_sbom(self, release: str, asset: str) -> None:
        with unit_of_work(self.s) as session:
            sboms.import_sbom(
                session, product="pump", release=release, path=ASSETS / f"{asset}.cdx.json"
            )

    @rule(
        release=st.sampled_from(RELEASES),
        vuln=st.sampled_from(["CVE-1", "CVE-2"]),
        component=st.sampled_from(["lwip", "wolfssl", "nimble"]),
        decision=st.sampled_from(DECISIONS),
    )
    def decide(self, release: str, vuln: str, component: str, decision: tuple[str, str]) -> None:
        reason = f"edit {len(self.made)}"
        try:
            with unit_of_work(self.s) as session:
                triage.set_decision(
                    session, product="pump", release=release, vulnerability=vuln,
                    component=component, status=decision[0], justification=decision[1],
                    author="prop", reason=reason,
                )  # fmt: skip
        except NotFoundError:
            return  # the component is in no SBOM of the release and was never decided
        self.made.append((f"pump@{release}", vuln, decision[0], reason))

    @invariant()
    def every_decision_is_retrievable(self) -> None:
        with unit_of_work(self.s) as session:
            hist = triage.history(session, product="pump")
            shown = {
                r: {(d.identity, d.vulnerability) for d in triage.decisions_for_release(
                    session, "pump", r)}
                for r in RELEASES
            }  # fmt: skip
            report = audit.verify(session)
        assert [(h.release, h.vulnerability, h.status.value, h.reason) for h in hist] == self.made
        keys = {(h.identity, h.vulnerability) for h in hist}
        assert all(v == keys for v in shown.values())
        assert report.ok and report.records == len(self.made)

    def teardown(self) -> None:
        engine_for(self.s).dispose()
        shutil.rmtree(self.dir, ignore_errors=True)


Decisions.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestDecisions = Decisions.TestCase
