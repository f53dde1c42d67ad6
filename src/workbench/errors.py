"""Errors a consultant can read.

Every exception the command line or the GUI shows to a user derives from
``WorkbenchError``; its message is written for a consultant (file, row, column,
value, what was expected, what to do) and is shown as is, without a traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """A problem the user can understand and act on; shown without a traceback."""


class Cancelled(Exception):  # noqa: N818 - the name reads as what happened
    """The user cancelled a long task; nothing it was writing has been committed."""


class EngagementError(WorkbenchError):
    """The engagement file cannot be opened or used as asked."""


class NotAnEngagement(EngagementError):
    """The file is not an engagement (not SQLite, or SQLite of another program)."""


class DamagedEngagement(EngagementError):
    """The file is an engagement but SQLite reports it as damaged."""


class NewerEngagement(EngagementError):
    """The file was written by a newer Workbench than this one."""


class EngagementLocked(EngagementError):
    """Another Workbench has the file open for writing."""

    def __init__(self, message: str, holder: dict | None = None):
        super().__init__(message)
        self.holder = holder or {}


class ReadOnlyEngagement(EngagementError):
    """A change was attempted on an engagement opened read-only."""
