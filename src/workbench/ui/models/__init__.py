"""Qt item models that adapt core queries (no business logic here)."""

from workbench.ui.models.sql_table import SqlTableModel

__all__ = ["SqlTableModel"]
