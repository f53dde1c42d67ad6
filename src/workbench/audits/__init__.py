"""Audits: see docs/audits.md."""
