"""Coaching: see docs/coaching.md."""
