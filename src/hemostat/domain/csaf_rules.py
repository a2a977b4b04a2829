"""CSAF 2.0 rules shared by the reader (vendor advisories, warnings) and the writer's mandatory
tests (``report.csaf_checks``): both stages must draw the line in the same place."""

from __future__ import annotations

__all__ = ["has_version_range"]

# §6.1.31: "it is deemed sufficient that, when converted to lower case, the value of name does
# not contain" the comparison operators or these words. Words are matched as whole
# whitespace-separated tokens, as the reference validator secvisogram does: the OASIS test case
# 6-1-31-12 ("after-eight") passes, "4.2 and later" fails.
_RANGE_OPERATORS = ("<", ">")
_RANGE_WORDS = frozenset({"after", "all", "before", "earlier", "later", "prior", "versions"})


def has_version_range(name: str) -> bool:
    """CSAF 2.0 mandatory test 6.1.31: a ``product_version`` name that contains a range."""
    lowered = name.lower()
    return any(op in lowered for op in _RANGE_OPERATORS) or not _RANGE_WORDS.isdisjoint(
        lowered.split()
    )
