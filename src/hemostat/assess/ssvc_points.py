"""Filling SSVC decision points from context, and the supplier/deployer decisions for a device.

Exploitation comes from evidence (CISA KEV -> active; public PoC, a CSAF exploit_status threat or a
high EPSS probability -> public poc; else none). Safety Impact comes from the ISO 14971 patient-harm
severity by the DOMAIN.md §4.5 [OURS] mapping. Everything else is an answer the user gave.
"""

from __future__ import annotations

import re
from dataclasses import replace

from hemostat.assess.ssvc import (
    DEPLOYER,
    HUMAN_IMPACT,
    PUBLIC_SAFETY_IMPACT,
    SUPPLIER,
    UTILITY,
    SsvcDecision,
    decide,
    load_table,
)
from hemostat.domain.threat import HarmSeverity

__all__ = [
    "EPSS_POC_THRESHOLD",
    "deployer_decision",
    "exploit_reported",
    "exploitation_from_evidence",
    "safety_impact_from_harm",
    "supplier_decision",
]

# [OURS] EPSS is a probability of exploitation in 30 days, not evidence of a PoC; at >= 10% we
# treat it as "public poc" so a likely-exploited CVE is not silently "none". A policy choice.
EPSS_POC_THRESHOLD = 0.1

# DOMAIN.md §4.5 [OURS]: FDA/ISO 14971 severity of patient harm -> SSVC Safety Impact 2.0.1.
_SAFETY_IMPACT = {
    HarmSeverity.NEGLIGIBLE: "negligible",
    HarmSeverity.MINOR: "negligible",
    HarmSeverity.SERIOUS: "marginal",
    HarmSeverity.CRITICAL: "critical",
    HarmSeverity.CATASTROPHIC: "catastrophic",
}


# [OURS] A CSAF exploit_status threat states the degree to which exploits are known, which may be
# none ("No known public exploits ..."): such a statement is not evidence of exploitation.
_NO_EXPLOIT = re.compile(r"\b(no|not|none|nor|never|unaware)\b", re.IGNORECASE)


def exploit_reported(details: str) -> bool:
    """Does a CSAF exploit_status statement report an exploit (public PoC or use)?"""
    return bool(details.strip()) and _NO_EXPLOIT.search(details) is None


def exploitation_from_evidence(
    *,
    in_kev: bool = False,
    public_poc: bool = False,
    csaf_exploit_status: bool = False,
    epss: float | None = None,
) -> tuple[str, str]:
    """SSVC Exploitation value and why."""
    if in_kev:
        return "active", "listed in CISA KEV (known exploited) -> active"
    if public_poc:
        return "public poc", "public proof of concept recorded -> public poc"
    if csaf_exploit_status:
        return "public poc", "a CSAF advisory reports exploit status -> public poc"
    if epss is not None and epss >= EPSS_POC_THRESHOLD:
        return "public poc", f"EPSS {epss:.3f} >= {EPSS_POC_THRESHOLD} -> public poc [OURS]"
    return "none", "no KEV entry, PoC, CSAF exploit status or high EPSS -> none"


def safety_impact_from_harm(severity: HarmSeverity) -> str:
    return _SAFETY_IMPACT[severity]


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _chain(final: SsvcDecision, *steps: SsvcDecision, lead: tuple[str, ...]) -> SsvcDecision:
    lines = lead + tuple(line for step in steps for line in step.reasoning) + final.reasoning
    return replace(final, reasoning=lines)


def supplier_decision(
    *,
    exploitation: str,
    automatable: bool,
    value_density: str,
    technical_impact: str,
    harm: HarmSeverity,
) -> SsvcDecision:
    """Manufacturer's patch-development priority (§4.3); Utility and PSI from their tables."""
    utility = decide(
        load_table(UTILITY),
        {"Automatable": _yes_no(automatable), "Value Density": value_density},
    )
    safety = safety_impact_from_harm(harm)
    psi = decide(load_table(PUBLIC_SAFETY_IMPACT), {"Safety Impact": safety})
    final = decide(
        load_table(SUPPLIER),
        {
            "Exploitation": exploitation,
            "Utility": utility.outcome,
            "Technical Impact": technical_impact,
            "Public Safety Impact": psi.outcome,
        },
    )
    lead = (f"patient harm {harm.value} -> Safety Impact {safety} (DOMAIN.md §4.5 [OURS])",)
    return _chain(final, utility, psi, lead=lead)


def deployer_decision(
    *,
    exploitation: str,
    exposure: str,
    automatable: bool,
    harm: HarmSeverity,
    mission_impact: str,
) -> SsvcDecision:
    """Hospital's patch-application priority (§4.2), Human Impact derived via its table."""
    safety = safety_impact_from_harm(harm)
    human = decide(
        load_table(HUMAN_IMPACT), {"Safety Impact": safety, "Mission Impact": mission_impact}
    )
    final = decide(
        load_table(DEPLOYER),
        {
            "Exploitation": exploitation,
            "System Exposure": exposure,
            "Automatable": _yes_no(automatable),
            "Human Impact": human.outcome,
        },
    )
    lead = (f"patient harm {harm.value} -> Safety Impact {safety} (DOMAIN.md §4.5 [OURS])",)
    return _chain(final, human, lead=lead)
