"""What a page gets from the main window: the engagement, the runner, change news."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from workbench.models import Engagement
from workbench.ui.tasks import TaskRunner


class PageContext(QObject):
    """Shared by every page of one open engagement.

    ``engagement`` is the GUI-thread connection (read with it; write only through
    the task runner). ``runner`` runs core work in the background. ``data_changed``
    carries a topic such as ``"imports"``, ``"findings"`` or ``""`` (everything)
    after something changed the file; pages refresh what they show.
    """

    data_changed = Signal(str)
    # A page asks the window to show another page (by registry key).
    navigate = Signal(str)

    def __init__(
        self,
        engagement: Engagement,
        runner: TaskRunner,
        window: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engagement = engagement
        self.runner = runner
        self.window = window
        runner.finished.connect(self._on_task_finished)

    def _on_task_finished(self, outcome) -> None:
        # After any successful change, every page re-reads what it shows.
        if outcome.ok and outcome.writes:
            self.data_changed.emit("")

    def detach(self) -> None:
        """Stop listening to the runner (the engagement is being closed)."""
        try:
            self.runner.finished.disconnect(self._on_task_finished)
        except (RuntimeError, TypeError):
            pass

    @property
    def read_only(self) -> bool:
        return bool(self.engagement.read_only)

    def notify_changed(self, topic: str = "") -> None:
        """Tell every page that ``topic`` changed in the file (call after a write)."""
        self.data_changed.emit(topic)
