"""The VEX vocabulary: one internal model, mapped exactly to CycloneDX 1.6, OpenVEX 0.2.0 and
CSAF 2.0 (DOMAIN.md §7.3-7.6). Mappings that lose information say so in ``lossy``."""

from __future__ import annotations

from enum import StrEnum


class VexStatus(StrEnum):
    UNDER_INVESTIGATION = "under_investigation"
    AFFECTED = "affected"
    NOT_AFFECTED = "not_affected"
    FIXED = "fixed"


class Justification(StrEnum):
    """Internal justifications: CycloneDX's nine plus OpenVEX/CSAF's component_not_present."""

    CODE_NOT_PRESENT = "code_not_present"
    CODE_NOT_REACHABLE = "code_not_reachable"
    REQUIRES_CONFIGURATION = "requires_configuration"
    REQUIRES_DEPENDENCY = "requires_dependency"
    REQUIRES_ENVIRONMENT = "requires_environment"
    PROTECTED_BY_COMPILER = "protected_by_compiler"
    PROTECTED_AT_RUNTIME = "protected_at_runtime"
    PROTECTED_AT_PERIMETER = "protected_at_perimeter"
    PROTECTED_BY_MITIGATING_CONTROL = "protected_by_mitigating_control"
    COMPONENT_NOT_PRESENT = "component_not_present"


class Response(StrEnum):
    CAN_NOT_FIX = "can_not_fix"
    WILL_NOT_FIX = "will_not_fix"
    UPDATE = "update"
    ROLLBACK = "rollback"
    WORKAROUND_AVAILABLE = "workaround_available"


# CycloneDX analysis.state per internal status (false_positive / resolved_with_pedigree are read
# on import and kept in the detail).
CYCLONEDX_STATE: dict[VexStatus, str] = {
    VexStatus.UNDER_INVESTIGATION: "in_triage",
    VexStatus.AFFECTED: "exploitable",
    VexStatus.NOT_AFFECTED: "not_affected",
    VexStatus.FIXED: "resolved",
}
OPENVEX_STATUS: dict[VexStatus, str] = {s: s.value for s in VexStatus}
CSAF_PRODUCT_STATUS: dict[VexStatus, str] = {
    VexStatus.UNDER_INVESTIGATION: "under_investigation",
    VexStatus.AFFECTED: "known_affected",
    VexStatus.NOT_AFFECTED: "known_not_affected",
    VexStatus.FIXED: "fixed",
}

# OpenVEX justification / CSAF flag label per internal justification (DOMAIN.md §7.6).
OPENVEX_JUSTIFICATION: dict[Justification, str] = {
    Justification.CODE_NOT_PRESENT: "vulnerable_code_not_present",
    Justification.CODE_NOT_REACHABLE: "vulnerable_code_not_in_execute_path",
    Justification.REQUIRES_CONFIGURATION: "vulnerable_code_cannot_be_controlled_by_adversary",
    Justification.REQUIRES_DEPENDENCY: "vulnerable_code_cannot_be_controlled_by_adversary",
    Justification.REQUIRES_ENVIRONMENT: "vulnerable_code_cannot_be_controlled_by_adversary",
    Justification.PROTECTED_BY_COMPILER: "inline_mitigations_already_exist",
    Justification.PROTECTED_AT_RUNTIME: "inline_mitigations_already_exist",
    Justification.PROTECTED_AT_PERIMETER: "inline_mitigations_already_exist",
    Justification.PROTECTED_BY_MITIGATING_CONTROL: "inline_mitigations_already_exist",
    Justification.COMPONENT_NOT_PRESENT: "component_not_present",
}
# CycloneDX has no component_not_present: export code_not_present and keep the label in detail.
CYCLONEDX_JUSTIFICATION: dict[Justification, str] = {
    j: (j.value if j is not Justification.COMPONENT_NOT_PRESENT else "code_not_present")
    for j in Justification
}
LOSSY_TO_OPENVEX = frozenset(
    j
    for j in Justification
    if j.value != OPENVEX_JUSTIFICATION[j]
    and j is not Justification.CODE_NOT_PRESENT
    and j is not Justification.CODE_NOT_REACHABLE
)
