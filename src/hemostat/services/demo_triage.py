"""The demo's triage step, as a product-security engineer would do it: record each product's risk
context (``[product.risk]`` in portfolio.toml: patient-harm severity, exposure, ... and any MITRE
rubric answers), decide the head and the tail of each release's queue, then write the queue with
its postmarket control, SSVC outcome and FDA deadlines (``triage.json``) and VEX in three
formats for every release."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from hemostat.config import Settings
from hemostat.services import risk, triage, vex
from hemostat.services.uow import unit_of_work

VEX_FILES = {"cyclonedx": "vex.cdx.json", "openvex": "vex.openvex.json", "csaf": "vex.csaf.json"}
AUTHOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoTriage:
    product: str
    version: str
    queue: int
    decided: int
    uncontrolled: int
    overdue: int
    head: str  # the queue's first item: "CVE-… in component (control, SSVC, due)"


class _Result(Protocol):
    files: list[Path]


def decide_and_publish(
    portfolio: list[dict[str, Any]], *, output: Path, settings: Settings, res: _Result
) -> list[DemoTriage]:
    out = []
    for prod in portfolio:
        _answer_risk(prod, settings)
        for rel in prod.get("release", []):
            key, version = prod["key"], rel["version"]
            decided = _decide(key, version, settings)
            folder = output / key / version
            with unit_of_work(settings) as s:
                items = triage.triage_list(
                    s, product=key, release=version, risk=risk.risk_lookup(s)
                )
                for fmt, name in VEX_FILES.items():
                    (folder / name).write_bytes(
                        vex.export(s, product=key, release=version, fmt=fmt)
                    )
                    res.files.append(folder / name)
            queue = folder / "triage.json"
            queue.write_bytes(_queue_json(items))
            res.files.append(queue)
            out.append(_summary(key, version, items, decided))
    return out


def _answer_risk(prod: dict[str, Any], settings: Settings) -> None:
    answers = {str(k): str(v) for k, v in prod.get("risk", {}).items()}
    if answers:
        with unit_of_work(settings) as s:
            risk.answer_rubric(
                s, product=prod["key"], scope="product", answers=answers, author=AUTHOR
            )


def _decide(product: str, release: str, settings: Settings) -> int:
    """The queue's head: affected, update planned; its tail: not reachable on this device."""
    with unit_of_work(settings) as s:
        lookup = risk.risk_lookup(s)
        items = triage.triage_list(s, product=product, release=release, risk=lookup)
        if items:
            head = items[0]
            triage.set_decision(
                s, product=product, release=release, author=AUTHOR,
                vulnerability=head.vulnerability, component=head.bom_ref,
                status="affected", response=("update",),
                detail="Fix scheduled in the next maintenance release.",
                reason="triage of the top KEV/EPSS/CVSS finding",
            )  # fmt: skip
        if len(items) > 1:
            tail = items[-1]
            triage.set_decision(
                s, product=product, release=release, author=AUTHOR,
                vulnerability=tail.vulnerability, component=tail.bom_ref,
                status="not_affected", justification="code_not_reachable",
                detail="The vulnerable function is not reachable in this device's build.",
                reason="code review",
            )  # fmt: skip
    return min(len(items), 2)


def _queue_json(items: list[triage.TriageItem]) -> bytes:
    rows = [
        {
            "component": i.bom_ref,
            "vulnerability": i.vulnerability,
            "kev": i.kev,
            "cvss": i.score,
            "epss": i.epss,
            "state": i.state,
            **({k: v for k, v in asdict(i.risk).items() if k != "ssvc_rank"} if i.risk else {}),
        }
        for i in items
    ]
    return orjson.dumps(rows, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)


def _summary(
    product: str, version: str, items: list[triage.TriageItem], decided: int
) -> DemoTriage:
    head = ""
    if items:
        top, r = items[0], items[0].risk or triage.RiskInfo()
        due = f", due {r.next_due}{' OVERDUE' if r.overdue else ''}" if r.next_due else ""
        control = r.control or "not assessed"
        head = f"{top.vulnerability} in {top.bom_ref} ({control}, SSVC {r.ssvc}{due})"
    return DemoTriage(
        product=product,
        version=version,
        queue=len(items),
        decided=decided,
        uncontrolled=sum(1 for i in items if i.risk and i.risk.uncontrolled),
        overdue=sum(1 for i in items if i.risk and i.risk.overdue),
        head=head,
    )
