"""The task runner: core work on a worker thread, progress with Cancel, results back.

A page never calls a long core function on the GUI thread. It asks the runner::

    context.runner.run("Importing opportunities.csv", import_file, path,
                       writes=True, on_success=self.show_result)

The runner starts a ``TaskThread``. Inside that thread it opens the task's own
connection with ``eng.worker()`` (a sqlite3 connection is created, used and closed
in one thread) and calls ``fn(worker_engagement, *args, progress=progress)``, the
shape of every capability operation. Progress and
the outcome come back to the GUI thread by queued signals. ``WorkbenchError`` and
``Cancelled`` are shown plainly; anything else is shown with a short message and the
details collapsed. Only one writing task runs at a time (one writer, as SQLite wants); later
writes wait in order behind it.
"""

from __future__ import annotations

import gc
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from workbench.errors import Cancelled, WorkbenchError
from workbench.models import Engagement
from workbench.progress import CancelToken, Progress

# Every thread the runner started and that has not been joined yet; tests check it
# is empty at teardown, so a test can never leak a running QThread.
_LIVE_THREADS: weakref.WeakSet[TaskThread] = weakref.WeakSet()


class GuiThreadCollector(QObject):
    """Python's cycle collector, run on the GUI thread only.

    Left automatic, the collector runs in whichever thread happens to allocate when a
    generation fills up, often a task's worker thread. If it then frees a Qt wrapper
    (a closed dialog, a page's model caught in a reference cycle), the Qt object is
    destroyed off the GUI thread and the process can crash (seen as a segmentation
    fault "Garbage-collecting" on a worker thread). So, as long as a QApplication
    exists, automatic collection is off and this timer on the GUI thread collects with
    the same generation thresholds. Reference counting, which frees nearly everything,
    is unchanged."""

    INTERVAL_MS = 250

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (0, 1, 2):
            if counts[generation] <= self.thresholds[generation]:
                break
            gc.collect(generation)


def install_gui_thread_collector() -> GuiThreadCollector | None:
    """Start the GUI-thread collector once per application and turn automatic
    collection off (call on the GUI thread)."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    collector = app.findChild(GuiThreadCollector) or GuiThreadCollector(app)
    gc.disable()
    return collector


def running_threads() -> list[TaskThread]:
    """Task threads still running (used by the tests' leak check and by close)."""
    return [t for t in list(_LIVE_THREADS) if t.isRunning()]


@dataclass
class TaskOutcome:
    """How a task ended: exactly one of ``result``/``error`` is meaningful."""

    title: str
    ok: bool
    writes: bool = False
    result: Any = None
    error: BaseException | None = None
    details: str = ""

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, Cancelled)


class TaskThread(QThread):
    """One core function on its own thread with its own engagement connection."""

    progressed = Signal(float, str)
    # Queued to the GUI thread (the runner lives there) because it is emitted here.
    done = Signal(object)

    def __init__(
        self,
        title: str,
        fn: Callable[..., Any],
        args: tuple,
        kwargs: dict,
        engagement: Engagement | None,
        *,
        writes: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.writes = writes
        self.token = CancelToken()
        # Set when the engagement closes under the task: its outcome is no longer news.
        self.abandoned = False
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._engagement = engagement
        _LIVE_THREADS.add(self)

    def cancel(self) -> None:
        """Ask the work to stop at its next ``progress.update``."""
        self.token.cancel()

    def run(self) -> None:  # runs on the worker thread
        progress = Progress(lambda f, s: self.progressed.emit(f, s or ""), self.token)
        worker: Engagement | None = None
        try:
            if self._engagement is not None:
                # Created here so the connection belongs to this thread.
                worker = self._engagement.worker()
            result = self._fn(worker, *self._args, progress=progress, **self._kwargs)
            outcome = TaskOutcome(self.title, True, self.writes, result=result)
        except (WorkbenchError, Cancelled) as exc:
            outcome = TaskOutcome(self.title, False, self.writes, error=exc)
        except BaseException as exc:  # shown to the user, never lost on a thread
            outcome = TaskOutcome(
                self.title, False, self.writes, error=exc, details=traceback.format_exc()
            )
        finally:
            if worker is not None:
                worker.close()
        self.done.emit(outcome)


class TaskRunner(QObject):
    """Starts tasks, tracks the running ones and reports their progress and outcome.

    Signals (all on the GUI thread): ``started(title)``, ``progressed(fraction,
    status)``, ``finished(TaskOutcome)``, ``message(text)`` (a one-line summary for
    the status bar). ``error_handler`` is called with each failed outcome; the main
    window sets it to its dialog, tests may replace it.
    """

    started = Signal(str)
    progressed = Signal(float, str)
    finished = Signal(object)
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        install_gui_thread_collector()  # no collection on the worker threads
        self.engagement: Engagement | None = None
        self.error_handler: Callable[[TaskOutcome], None] | None = None
        self._threads: list[TaskThread] = []
        self._waiting: list[TaskThread] = []  # writes queued behind the running one

    # ----------------------------------------------------------------- running
    def run(
        self,
        title: str,
        fn: Callable[..., Any],
        *args: Any,
        writes: bool = False,
        needs_engagement: bool = True,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[TaskOutcome], None] | None = None,
        **kwargs: Any,
    ) -> TaskThread:
        """Run ``fn(worker_engagement, *args, progress=progress, **kwargs)`` in the background.

        ``fn`` is a capability operation (``op(engagement, request, *, progress)``) or
        any core function with that shape; no per-page wrapper is needed.

        ``writes=True`` marks a task that changes the file: only one runs at a time;
        the next ones wait in order (and are dropped if the one before fails or is
        cancelled, since they were made on top of it). ``needs_engagement=False``
        runs without an open engagement (``fn`` then receives ``None``), e.g. building
        the demo. ``on_success(result)`` runs on the GUI thread when it succeeds;
        failures go to ``on_failure`` if given, else to the runner's error handler.
        """
        if needs_engagement and self.engagement is None:
            raise WorkbenchError("Open an engagement first.")
        busy = self.writing_task() if writes else None
        thread = TaskThread(
            title,
            fn,
            args,
            kwargs,
            self.engagement if needs_engagement else None,
            writes=writes,
            parent=self,
        )
        thread.progressed.connect(self.progressed, Qt.ConnectionType.QueuedConnection)
        thread.done.connect(
            lambda outcome, t=thread: self._on_done(t, outcome, on_success, on_failure),
            Qt.ConnectionType.QueuedConnection,
        )
        if busy is not None:
            # One writer at a time: this change waits for the ones before it, in order.
            self._waiting.append(thread)
            self.message.emit(f"{title}: waiting for {busy.title}...")
            return thread
        self._start(thread)
        return thread

    def _start(self, thread: TaskThread) -> None:
        self._threads.append(thread)
        self.started.emit(thread.title)
        self.message.emit(f"{thread.title}...")
        thread.start()

    def _on_done(
        self,
        thread: TaskThread,
        outcome: TaskOutcome,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[TaskOutcome], None] | None,
    ) -> None:
        thread.wait()  # the run() has returned; join so nothing leaks
        if thread in self._threads:
            self._threads.remove(thread)
        _LIVE_THREADS.discard(thread)
        thread.deleteLater()
        if thread.writes and self._waiting:
            if outcome.ok and not thread.abandoned:
                self._start(self._waiting.pop(0))
            else:  # later changes were made on top of this one: drop them
                dropped = self._drop_waiting()
                self.message.emit(
                    f"{outcome.title} did not complete, so {dropped} waiting change"
                    f"{'' if dropped == 1 else 's'} after it "
                    f"{'was' if dropped == 1 else 'were'} not made."
                )
        if outcome.ok:
            self.message.emit(f"{outcome.title}: done.")
        elif outcome.cancelled:
            self.message.emit(f"{outcome.title}: cancelled; nothing was changed.")
        else:
            self.message.emit(f"{outcome.title}: failed.")
        self.finished.emit(outcome)
        if thread.abandoned:
            return
        if outcome.ok:
            if on_success is not None:
                on_success(outcome.result)
        elif on_failure is not None:
            on_failure(outcome)
        elif self.error_handler is not None:
            self.error_handler(outcome)

    # ----------------------------------------------------------------- control
    def tasks(self) -> list[TaskThread]:
        """The tasks started and not yet finished, oldest first."""
        return list(self._threads)

    def writing_task(self) -> TaskThread | None:
        """The writing task running (or, if none runs, the next one waiting)."""
        return next((t for t in [*self._threads, *self._waiting] if t.writes), None)

    def is_busy(self) -> bool:
        return bool(self._threads or self._waiting)

    def _drop_waiting(self) -> int:
        dropped = len(self._waiting)
        for thread in self._waiting:
            _LIVE_THREADS.discard(thread)
            thread.deleteLater()
        self._waiting.clear()
        return dropped

    def cancel_all(self) -> None:
        self._drop_waiting()
        for thread in self._threads:
            thread.cancel()

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Cancel every task and wait for the threads (before closing the engagement)."""
        self._drop_waiting()
        for thread in self._threads:
            thread.abandoned = True
            thread.cancel()
        for thread in list(self._threads):
            thread.wait(timeout_ms)


class TaskBar(QWidget):
    """The status-bar strip: what runs, a progress bar and Cancel (never modal)."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(220)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running task; nothing it changed is kept")
        self.cancel_button.clicked.connect(runner.cancel_all)
        for w in (self.label, self.bar, self.cancel_button):
            layout.addWidget(w)
        runner.started.connect(self._on_started)
        runner.progressed.connect(self._on_progress)
        runner.finished.connect(self._on_finished)
        self.setVisible(False)

    def _on_started(self, title: str) -> None:
        self.label.setText(title)
        self.bar.setValue(0)
        self.setVisible(True)

    def _on_progress(self, fraction: float, status: str) -> None:
        self.bar.setValue(int(fraction * 1000))
        if status:
            self.label.setText(status)

    def _on_finished(self, _outcome: TaskOutcome) -> None:
        if not self._runner.is_busy():
            self.setVisible(False)
