"""The archive report: one self-contained HTML page with charts and the numbers behind them."""

from __future__ import annotations

from archive.research.report.html import build_report, write_report

__all__ = ["build_report", "write_report"]
