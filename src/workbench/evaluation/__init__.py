"""Evaluation: see docs/evaluation.md."""
