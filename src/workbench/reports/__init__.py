"""Reports: see docs/reports.md."""
