"""Synthetic demo data: a fictional city's units, officers, leads and cases (江州市)."""

from workstation.demo.generator import DemoResult, generate

__all__ = ["DemoResult", "generate"]
