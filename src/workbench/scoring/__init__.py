"""Scoring: see docs/scoring.md."""
