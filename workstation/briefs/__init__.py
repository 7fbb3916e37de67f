"""Briefing packets (简报): one data object of figures, rendered as PDF, Excel and JSON.

The renderers (workstation.briefs.pdf, workstation.briefs.xlsx) import reportlab and openpyxl;
import them on first use, not here.
"""

from workstation.briefs.model import Brief, BriefCancelled, DetailLead, NoteSection, Period

__all__ = ["Brief", "BriefCancelled", "DetailLead", "NoteSection", "Period"]
