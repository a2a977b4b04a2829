"""Rubric answers stored once per scope, SSVC with table versions, postmarket, risk queue."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hemostat.config import Settings
from hemostat.errors import UsageError
from hemostat.services import catalog, feeds, findings, risk, sboms, scan, triage
from hemostat.services.feeds import Intel
from hemostat.services.uow import unit_of_work

ASSETS = Path(__file__).resolve().parents[1] / "assets"
WOLF = "purl:pkg:github/wolfssl/wolfssl"  # identity; two CVEs on it in mini-1
CVES = ("CVE-2023-3724", "CVE-2022-25638")


@pytest.fixture(scope="module")
def intel(tmp_path_factory: pytest.TempPathFactory) -> Intel:
    dbfile = tmp_path_factory.mktemp("feeds") / "feeds.db"
    return scan.load_local_intel(Settings(database_url=f"sqlite:///{dbfile}"))


@pytest.fixture
def pump(settings: Settings, intel: Intel) -> Settings:
    with unit_of_work(settings) as s:
        catalog.add_product(s, key="pump", name="Mini Pump", manufacturer="Example Medical")
        catalog.add_release(s, product="pump", version="1.0")
        sboms.import_sbom(s, product="pump", release="1.0", path=ASSETS / "mini-1.cdx.json")
        findings.analyze_release(s, "pump", "1.0", intel=intel)
    return settings


def _answer(s: Settings, scope: str, **answers: str) -> None:
    with unit_of_work(s) as session:
        risk.answer_rubric(session, product="pump", scope=scope, answers=answers, author="bob")


def test_answers_are_stored_once_and_reused_for_every_cve(pump: Settings) -> None:
    # Bluetooth-only physical interface: AV from the rubric (wireless, short range -> L).
    _answer(pump, f"component:{WOLF}", XAVN="yes", XAVT="no", XAVW="yes", XAVR="yes")
    _answer(pump, "product", XACL="no")  # product-wide: attack complexity high
    with unit_of_work(pump) as s:
        views = [
            risk.rubric_for(s, product="pump", release="1.0", vulnerability=v, component="wolfssl")
            for v in CVES
        ]
    for view in views:
        assert "/AV:L/AC:H/" in view.result.vector, view.result.vector
        assert view.result.base_vector and "/AV:N/AC:L/" in view.result.base_vector
        assert view.sources["XAVN"] == f"component:{WOLF}" and view.sources["XACL"] == "product"
        assert any("XAVR=yes" in line for line in view.result.rationale)
    # The latest answer wins; the earlier one stays in the history.
    _answer(pump, f"component:{WOLF}", XAVR="no")
    with unit_of_work(pump) as s:
        again = risk.rubric_for(
            s, product="pump", release="1.0", vulnerability=CVES[0], component="wolfssl"
        )
        rows = risk.rrepo.history_of(s, "pump", [f"component:{WOLF}"])
    assert "/AV:A/" in again.result.vector
    assert [r.answer for r in rows if r.question == "XAVR"] == ["yes", "no"]


def test_unknown_answer_resolves_to_the_worse_value(pump: Settings) -> None:
    _answer(pump, "product", XAVN="no", XAVP="unknown")  # P or L: unknown -> L (worse)
    _answer(pump, "product", harm_severity="unknown")
    with unit_of_work(pump) as s:
        view = risk.rubric_for(
            s, product="pump", release="1.0", vulnerability="CVE-2020-22284", component="lwip"
        )
        ssvc = risk.ssvc_for(
            s, product="pump", release="1.0", vulnerability="CVE-2020-22284", component="lwip"
        )
    assert "/AV:L/" in view.result.vector
    assert ("harm_severity", "catastrophic", "unknown: worse value") in ssvc.inputs


def test_bad_answers_name_the_question(pump: Settings) -> None:
    with pytest.raises(UsageError, match="exposure"), unit_of_work(pump) as s:
        risk.answer_rubric(
            s, product="pump", scope="product", answers={"exposure": "huge"}, author="b"
        )
    with pytest.raises(UsageError, match="scope"), unit_of_work(pump) as s:
        risk.answer_rubric(s, product="pump", scope="device", answers={"XAVN": "y"}, author="b")


def test_ssvc_cites_table_versions_and_uses_stored_context(pump: Settings) -> None:
    _answer(pump, "product", harm_severity="critical", exposure="small", automatable="no")
    with unit_of_work(pump) as s:
        view = risk.ssvc_for(
            s, product="pump", release="1.0", vulnerability=CVES[0], component="wolfssl"
        )
    assert view.supplier.table == "supplier patch development priority"
    assert view.supplier.table_version == "1.0.0" and view.deployer.table_version == "1.0.0"
    points = dict(view.deployer.points)
    assert points["System Exposure v1.0.1"] == "small"
    assert points["Exploitation v1.1.0"] == "none"  # not in KEV, EPSS 0.0065 < 0.1
    assert any("Safety Impact critical" in line for line in view.supplier.reasoning)


def test_postmarket_uses_the_adjusted_vector_and_learned_on(pump: Settings) -> None:
    _answer(pump, "product", harm_severity="serious")
    _answer(pump, f"vulnerability:{CVES[1]}", learned_on="2025-01-01")
    args = {"product": "pump", "release": "1.0", "vulnerability": CVES[1], "component": "wolfssl"}
    with unit_of_work(pump) as s:
        high = risk.postmarket_for(s, **args, today=date(2025, 3, 15))  # type: ignore[arg-type]
    a = high.assessment
    assert a.control.value == "uncontrolled" and a.communication_due == date(2025, 1, 31)
    assert a.communication_overdue and a.fix_overdue
    _answer(pump, "product", XAVN="no", XAVP="yes", XAVPA="yes")  # physical access only
    with unit_of_work(pump) as s:
        low = risk.postmarket_for(s, **args, today=date(2025, 3, 15))  # type: ignore[arg-type]
    assert low.assessment.control.value == "controlled"


def test_triage_list_puts_uncontrolled_risk_first(pump: Settings) -> None:
    with unit_of_work(pump) as s:
        plain = [i.vulnerability for i in triage.triage_list(s, product="pump")]
    assert plain[0] == "CVE-2020-22284"  # highest EPSS without risk information
    _answer(pump, "product", harm_severity="negligible")
    _answer(pump, f"component:{WOLF}", harm_severity="catastrophic")
    with unit_of_work(pump) as s:
        ordered = triage.triage_list(s, product="pump", risk=risk.risk_lookup(s))
        lookup = risk.risk_lookup(s)
        infos = {i.vulnerability: lookup(i) for i in ordered}
    assert [i.vulnerability for i in ordered] == [*CVES, "CVE-2020-22284"]
    assert infos[CVES[0]] is not None and infos[CVES[0]].uncontrolled
    assert infos["CVE-2020-22284"] is not None and not infos["CVE-2020-22284"].uncontrolled


def _csaf_with_exploit_status(details: str) -> dict[str, object]:
    return {
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "title": "wolfSSL TLS 1.3 key share",
            "publisher": {"category": "vendor", "name": "wolfSSL", "namespace": "https://wolfssl.example"},
            "tracking": {
                "id": "WOLF-2023-0001",
                "status": "final",
                "version": "1",
                "initial_release_date": "2023-07-20T00:00:00Z",
                "current_release_date": "2023-07-20T00:00:00Z",
                "revision_history": [
                    {"number": "1", "date": "2023-07-20T00:00:00Z", "summary": "Initial"}
                ],
            },
        },
        "product_tree": {
            "full_product_names": [{"product_id": "WOLF-548", "name": "wolfSSL 5.4.8"}]
        },
        "vulnerabilities": [
            {
                "cve": CVES[0],
                "product_status": {"known_affected": ["WOLF-548"]},
                "threats": [{"category": "exploit_status", "details": details}],
            }
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("details", "exploitation"),
    [
        ("Exploit code is publicly available (Metasploit module).", "public poc"),
        ("No known public exploits specifically target this vulnerability.", "none"),
    ],
)
def test_csaf_exploit_status_fills_ssvc_exploitation(
    pump: Settings, tmp_path: Path, details: str, exploitation: str
) -> None:
    advisory = tmp_path / "wolf-2023-0001.json"
    advisory.write_text(json.dumps(_csaf_with_exploit_status(details)))
    with unit_of_work(pump) as s:
        feeds.import_path(s, path=advisory)
    with unit_of_work(pump) as s:
        view = risk.ssvc_for(
            s, product="pump", release="1.0", vulnerability=CVES[0], component="wolfssl"
        )
    assert dict(view.deployer.points)["Exploitation v1.1.0"] == exploitation
    cited = any("WOLF-2023-0001" in why for _, _, why in view.inputs)
    assert cited is (exploitation == "public poc")


def test_components_are_named_by_name_and_settled_items_stop_the_clock(pump: Settings) -> None:
    with unit_of_work(pump) as s:
        assert triage.resolve_component(s, "pump", "1.0", "FreeRTOS-Kernel")[1] == "freertos"
        assert triage.resolve_component(s, "pump", "1.0", "freertos-kernel")[1] == "freertos"
        view = risk.ssvc_for(
            s, product="pump", release="1.0", vulnerability=CVES[0], component="WolfSSL"
        )
        assert view.supplier.outcome
        triage.set_decision(
            s, product="pump", release="1.0", vulnerability=CVES[0], component="wolfssl",
            status="not_affected", justification="code_not_reachable", author="a", reason="r",
        )  # fmt: skip
    with unit_of_work(pump) as s:
        queue = triage.triage_list(s, product="pump", risk=risk.risk_lookup(s))
    settled = queue[-1]
    assert settled.vulnerability == CVES[0] and settled.risk is not None
    assert not settled.risk.uncontrolled and settled.risk.next_due is None
    assert all(i.state != "not_affected" for i in queue[:-1])
