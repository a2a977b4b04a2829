"""Analysis records: one VEX decision about a (product, component identity, vulnerability), kept
append-only and hash-chained so the audit trail (21 CFR Part 11) can prove nothing was altered."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.errors import UsageError

GENESIS = "0" * 64  # the previous hash of the first record of a chain


@dataclass(frozen=True, slots=True)
class AnalysisRecord:
    release: str  # product@version the decision was recorded on
    identity: str  # component identity (version-free): decisions follow it across releases
    bom_ref: str  # the component's bom-ref in the SBOM it was recorded against
    vulnerability: str
    status: VexStatus
    justification: Justification | None
    response: tuple[Response, ...]
    detail: str
    author: str
    reason: str
    at: datetime
    sequence: int  # 1, 2, ... per (product, identity, vulnerability)
    previous_hash: str
    hash: str
    origin: str = "manual"  # "manual" | "carried:<product@release>" | "supplier:<doc id>"
    confirmed: bool = True  # False while carried from another release
    component_removed: bool = False  # the component is absent from the release's latest SBOM

    @property
    def product(self) -> str:
        return self.release.rsplit("@", 1)[0]

    @property
    def carried_from(self) -> str | None:
        return self.origin.removeprefix("carried:") if self.origin.startswith("carried:") else None


def _allowed(enum: Iterable[Any]) -> str:
    return ", ".join(e.value for e in enum)


def parse_status(value: str) -> VexStatus:
    try:
        return VexStatus(value)
    except ValueError:
        raise UsageError(
            f"status {value!r} is not one of {_allowed(VexStatus)}", location="status"
        ) from None


def parse_justification(value: str | None) -> Justification | None:
    if value is None:
        return None
    try:
        return Justification(value)
    except ValueError:
        raise UsageError(
            f"justification {value!r} is not one of {_allowed(Justification)}",
            location="justification",
        ) from None


def parse_responses(values: Iterable[str]) -> tuple[Response, ...]:
    out: list[Response] = []
    for v in values:
        try:
            out.append(Response(v))
        except ValueError:
            raise UsageError(
                f"response {v!r} is not one of {_allowed(Response)}", location="response"
            ) from None
    return tuple(out)


def validate_decision(
    status: VexStatus, justification: Justification | None, response: tuple[Response, ...]
) -> None:
    """Reject combinations no VEX format can express (CycloneDX 1.6 / OpenVEX / CSAF rules)."""
    if status is VexStatus.NOT_AFFECTED and justification is None:
        raise UsageError(
            "status not_affected needs a justification",
            location="justification",
            hint=f"give one of: {_allowed(Justification)}",
        )
    if status is not VexStatus.NOT_AFFECTED and justification is not None:
        raise UsageError(
            f"justification is only allowed with status not_affected, not {status.value}",
            location="justification",
            hint="drop the justification or set status not_affected",
        )
    if response and status not in (VexStatus.AFFECTED, VexStatus.FIXED):
        raise UsageError(
            f"response is only allowed with status affected or fixed, not {status.value}",
            location="response",
            hint=f"responses ({_allowed(Response)}) describe what is done about an affected one",
        )
    if len(set(response)) != len(response):
        raise UsageError("response lists a value twice", location="response")


def hashed_fields(r: AnalysisRecord) -> dict[str, Any]:
    """The fields the hash covers (everything a reviewer relies on)."""
    return {
        "release": r.release,
        "identity": r.identity,
        "bom_ref": r.bom_ref,
        "vulnerability": r.vulnerability,
        "status": r.status.value,
        "justification": r.justification.value if r.justification else None,
        "response": [x.value for x in r.response],
        "detail": r.detail,
        "author": r.author,
        "reason": r.reason,
        "at": r.at.isoformat(),
        "sequence": r.sequence,
        "origin": r.origin,
    }


def record_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the fields (sorted, compact)."""
    canonical = json.dumps(dict(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def chain_hash(prev_chain: str, record_hash_value: str) -> str:
    """The table-wide chain: links every record to the one inserted before it."""
    return hashlib.sha256(f"{prev_chain}\n{record_hash_value}".encode()).hexdigest()
