"""Lifecycle: see docs/lifecycle.md."""
