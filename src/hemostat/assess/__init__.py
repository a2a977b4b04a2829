"""SBOMs and findings in, judgements out: SBOM completeness now; risk and VEX later."""

from hemostat.assess.completeness import check, report_to_dict, support_csv_template

__all__ = ["check", "report_to_dict", "support_csv_template"]
