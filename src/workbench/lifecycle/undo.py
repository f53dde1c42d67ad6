"""The undo stack moved to ``workbench.models.undo`` (every capability's GUI edits use
it); these names stay importable from here."""

from workbench.models.undo import (
    UNDO_LIMIT,
    Command,
    CommandStack,
    RowScope,
    SnapshotCommand,
    max_id,
    stack_for,
)

__all__ = [
    "UNDO_LIMIT",
    "Command",
    "CommandStack",
    "RowScope",
    "SnapshotCommand",
    "max_id",
    "stack_for",
]
