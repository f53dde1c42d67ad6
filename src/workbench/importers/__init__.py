"""Importers: see docs/importers.md."""
