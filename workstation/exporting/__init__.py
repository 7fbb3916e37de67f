"""Exports of lists to files people take away (Excel), masked and audited."""

from workstation.exporting.leads_xlsx import export_leads

__all__ = ["export_leads"]
