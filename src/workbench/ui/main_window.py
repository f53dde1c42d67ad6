"""The main window: start page, sidebar navigation over the pages, status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import EngagementLocked, WorkbenchError
from workbench.lifecycle import operations as lifecycle_ops
from workbench.models import LATEST_VERSION, Engagement
from workbench.models.engagement import APPLICATION_ID, SUFFIX, read_header
from workbench.models.undo import stack_for
from workbench.progress import Progress
from workbench.ui import pages as registry
from workbench.ui.context import PageContext
from workbench.ui.dialogs import ask_open_read_only, show_error
from workbench.ui.new_engagement import KIND_LABELS, NewEngagementDialog
from workbench.ui.recent import add_recent, data_dir
from workbench.ui.start_page import StartPage, display_path
from workbench.ui.tasks import TaskBar, TaskOutcome, TaskRunner

EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def build_demo_task(_eng: None, out: Path, *, progress: Progress) -> dict:
    """Build the demo engagement in ``out`` (runs on the task runner's thread)."""
    from workbench.demo import build_demo

    return build_demo(out, with_package=False, with_story=True, progress=progress)


def demo_folder() -> Path:
    return data_dir() / "demo"


def page_scroller(page: QWidget) -> QScrollArea:
    """``page`` inside a frameless scroll area: on a short screen (1366x768 at 125%
    scaling leaves about 1093x614) a page scrolls instead of making the window taller
    than the screen. The page still fills the area when there is room."""
    area = QScrollArea()
    area.setObjectName("pageScroll")
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(page)
    return area


class EngagementView(QWidget):
    """Sidebar (customer, page list) and the stack of pages for one open engagement."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        pane = QWidget()
        pane.setObjectName("sidebarPane")
        pane.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        pane.setFixedWidth(210)
        side = QVBoxLayout(pane)
        side.setContentsMargins(0, 0, 1, 0)  # leave the pane's right border visible
        side.setSpacing(0)
        meta = context.engagement.meta()
        self.customer_label = QLabel(meta.customer)
        self.customer_label.setObjectName("sidebarCustomer")
        self.customer_label.setWordWrap(True)
        kind = KIND_LABELS.get(meta.project_kind, meta.project_kind).split(" (")[0]
        self.meta_label = QLabel(kind + (" \u00b7 read-only" if context.read_only else ""))
        self.meta_label.setObjectName("sidebarMeta")
        self.meta_label.setWordWrap(True)
        side.addWidget(self.customer_label)
        side.addWidget(self.meta_label)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        for item in registry.PAGES:
            self.sidebar.addItem(item.title)
        side.addWidget(self.sidebar, 1)
        layout.addWidget(pane)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self._pages: dict[str, QWidget] = {}
        self.sidebar.currentRowChanged.connect(self._show_row)
        context.navigate.connect(self.show_page)
        self.sidebar.setCurrentRow(0)

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(registry.PAGES):
            self.show_page(registry.PAGES[row].key)

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key not in self._pages:
            widget = registry.create_page(registry.entry(key), self.context)
            self._pages[key] = widget
            self.stack.addWidget(page_scroller(widget))
        return self._pages[key]

    def show_page(self, key: str) -> QWidget:
        """Show the page ``key`` and select it in the sidebar."""
        widget = self.page(key)
        self.stack.setCurrentWidget(self.scroller(key))
        row = [p.key for p in registry.PAGES].index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)
        return widget

    def scroller(self, key: str) -> QScrollArea:
        """The scroll area holding page ``key`` (built on first use)."""
        page = self.page(key)
        for index in range(self.stack.count()):
            area = self.stack.widget(index)
            if isinstance(area, QScrollArea) and area.widget() is page:
                return area
        raise KeyError(key)

    def current_key(self) -> str:
        return registry.PAGES[max(0, self.sidebar.currentRow())].key

    def close_pages(self) -> None:
        """Let pages release what they hold on the connection (temp indexes)."""
        for widget in self._pages.values():
            closer = getattr(widget, "close_page", None)
            if callable(closer):
                closer()


class MainWindow(QMainWindow):
    """One window, one open engagement at a time (or the start page)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Workbench")
        self.resize(1400, 900)
        self.setAcceptDrops(True)
        self.engagement: Engagement | None = None
        self.context: PageContext | None = None
        self.view: EngagementView | None = None
        self.runner = TaskRunner(self)
        self.runner.error_handler = self._on_task_failed

        self.stack = QStackedWidget()
        self.start_page = StartPage()
        self.start_page.new_requested.connect(self.new_engagement)
        self.start_page.open_requested.connect(self.choose_and_open)
        self.start_page.demo_requested.connect(self.open_demo)
        self.start_page.recent_chosen.connect(lambda p: self.open_file(p))
        self.stack.addWidget(self.start_page)
        self.setCentralWidget(self.stack)
        self._build_status_bar()
        self._build_menus()
        self._update_status()

    # ------------------------------------------------------------------ chrome
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.customer_status = QLabel()
        self.file_status = QLabel()
        self.file_status.setObjectName("muted")
        self.read_only_status = QLabel("READ-ONLY")
        self.read_only_status.setStyleSheet(
            "color: #8a4b00; font-weight: 600; background: #fff3dd; border-radius: 3px;"
        )
        self.message_status = QLabel()
        self.message_status.setObjectName("muted")
        for w in (self.customer_status, self.file_status, self.read_only_status):
            bar.addWidget(w)
        bar.addWidget(self.message_status, 1)
        self.task_bar = TaskBar(self.runner)
        bar.addPermanentWidget(self.task_bar)
        self.runner.message.connect(self.message_status.setText)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._add(
            file_menu, "&New engagement...", self.new_engagement, QKeySequence.StandardKey.New
        )
        self._add(file_menu, "&Open...", self.choose_and_open, QKeySequence.StandardKey.Open)
        self._add(file_menu, "Open &demo engagement", self.open_demo)
        self._add(file_menu, "Re&build demo engagement", lambda: self.open_demo(rebuild=True))
        file_menu.addSeparator()
        self.close_action = self._add(
            file_menu, "&Close engagement", self.close_engagement, QKeySequence.StandardKey.Close
        )
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self._add(edit_menu, "Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._add(edit_menu, "Redo", self.redo)
        self.redo_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)]
        )
        self.runner.finished.connect(lambda _outcome: self._update_edit_menu())
        go_menu = self.menuBar().addMenu("&Go")
        self.page_actions: list[QAction] = []
        for number, item in enumerate(registry.PAGES, start=1):
            action = self._add(
                go_menu,
                item.title,
                lambda _=False, k=item.key: self.show_page(k),
                QKeySequence(f"Ctrl+{number}"),
            )
            self.page_actions.append(action)
        go_menu.addSeparator()
        self._add(go_menu, "Start page", self.close_engagement)

    def _add(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # -------------------------------------------------------------- undo/redo
    def _update_edit_menu(self) -> None:
        """Undo/Redo name the step they would undo or redo ("Undo Score Gong on ...")."""
        eng = self.engagement
        stack = stack_for(eng) if eng is not None else None
        writable = eng is not None and not eng.read_only
        self.undo_action.setText(stack.undo_label if stack else "Undo")
        self.redo_action.setText(stack.redo_label if stack else "Redo")
        self.undo_action.setEnabled(bool(writable and stack and stack.can_undo))
        self.redo_action.setEnabled(bool(writable and stack and stack.can_redo))

    def undo(self) -> None:
        self._undo_or_redo(lifecycle_ops.undo, "can_undo", "undo_label")

    def redo(self) -> None:
        self._undo_or_redo(lifecycle_ops.redo, "can_redo", "redo_label")

    def _undo_or_redo(self, op, can: str, label: str) -> None:
        if self.engagement is None or self.engagement.read_only:
            return
        stack = stack_for(self.engagement)
        if not getattr(stack, can):
            return
        context = self.context
        try:
            self.runner.run(
                getattr(stack, label),
                op,
                writes=True,
                on_success=lambda _label: context.data_changed.emit("") if context else None,
            )
        except WorkbenchError as exc:
            show_error(self, exc)

    def _update_status(self) -> None:
        eng = self.engagement
        open_ = eng is not None
        self.customer_status.setText(eng.meta().customer if open_ else "No engagement open")
        self.file_status.setText(display_path(eng.path) if open_ else "")
        self.read_only_status.setVisible(bool(open_ and eng.read_only))
        self.close_action.setEnabled(open_)
        for action in self.page_actions:
            action.setEnabled(open_)
        self.setWindowTitle(f"{eng.meta().customer} \u2014 Workbench" if open_ else "Workbench")
        self._update_edit_menu()

    # ---------------------------------------------------------------- opening
    def open_file(self, path: str | Path, *, read_only: bool = False) -> bool:
        """Open ``path``; plain messages for bad files, a read-only offer for locked ones."""
        path = Path(path)
        if (
            self.engagement is not None
            and _same_file(self.engagement.path, path)
            and (self.engagement.read_only == read_only)
        ):
            return True
        if self.engagement is not None and not self.may_stop_tasks("open the other engagement"):
            return False
        try:
            if not self._release_current():
                return False
            eng = Engagement.open(path, read_only=read_only)
        except EngagementLocked as exc:
            if read_only or not ask_open_read_only(self, str(exc)):
                return False
            return self.open_file(path, read_only=True)
        except WorkbenchError as exc:
            show_error(self, exc)
            return False
        self._show_engagement(eng)
        return True

    def _show_engagement(self, eng: Engagement) -> None:
        self.engagement = eng
        self.runner.engagement = eng
        self.context = PageContext(eng, self.runner, window=self, parent=self)
        self.view = EngagementView(self.context)
        self.stack.addWidget(self.view)
        self.stack.setCurrentWidget(self.view)
        add_recent(eng.path)
        self.start_page.reload_recent()
        self._update_status()
        if eng.backup_path is not None:
            self.message_status.setText(
                f"Upgraded the file; the previous version is kept as {eng.backup_path.name}."
            )

    def _release_current(self) -> bool:
        """Close the open engagement (waiting for its tasks); False if it must stay."""
        if self.engagement is None:
            return True
        self.runner.shutdown()
        if self.view is not None:
            self.view.close_pages()
            self.stack.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None
        if self.context is not None:
            self.context.detach()
            self.context.deleteLater()
            self.context = None
        self.engagement.close()
        self.engagement = None
        self.runner.engagement = None
        self._update_status()
        return True

    def close_engagement(self) -> None:
        """Back to the start page."""
        self._release_current()
        self.stack.setCurrentWidget(self.start_page)
        self.start_page.reload_recent()

    def choose_and_open(self) -> None:
        start = str(self.engagement.path.parent) if self.engagement else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, "Open an engagement", start, "Engagements (*.engagement);;All files (*)"
        )
        if path:
            self.open_file(path)

    def new_engagement(self) -> None:
        folder = self.engagement.path.parent if self.engagement else Path.home()
        dialog = NewEngagementDialog(self, folder)
        if dialog.exec() != NewEngagementDialog.DialogCode.Accepted:
            return
        self.create_engagement(dialog.path(), dialog.meta())

    def create_engagement(self, path: Path, meta) -> bool:
        """Create ``path`` with ``meta`` and open it."""
        try:
            self._release_current()
            eng = Engagement.create(path, meta)
        except WorkbenchError as exc:
            show_error(self, exc)
            return False
        self._show_engagement(eng)
        return True

    def open_demo(self, *, rebuild: bool = False) -> None:
        """Open the demo engagement, building it first (in the background) if needed."""
        out = demo_folder()
        path = out / "Northwind Robotics.engagement"
        if not rebuild and _is_current_engagement(path):
            self.open_file(path)
            return
        if self.engagement is not None and _same_file(self.engagement.path, path):
            self.close_engagement()
        try:
            self.runner.run(
                "Building the demo engagement",
                build_demo_task,
                out,
                needs_engagement=False,
                writes=True,
                on_success=lambda result: self.open_file(result["engagement"]),
            )
        except WorkbenchError as exc:
            show_error(self, exc)

    def show_page(self, key: str) -> QWidget | None:
        if self.view is None:
            return None
        return self.view.show_page(key)

    # ------------------------------------------------------------------ tasks
    def _on_task_failed(self, outcome: TaskOutcome) -> None:
        if outcome.error is not None:
            show_error(self, outcome.error, outcome.details, title=outcome.title)

    # ----------------------------------------------------------- drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _dropped_engagement(event) is not None or self._dropped_exports(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = _dropped_engagement(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)
            return
        exports = self._dropped_exports(event)
        if exports:
            # Exports dropped anywhere go to the Data page's import wizard.
            event.acceptProposedAction()
            page = self.show_page("data")
            importer = getattr(page, "import_files", None)
            if callable(importer):
                importer(exports)

    def _dropped_exports(self, event) -> list[Path]:
        if self.engagement is None or self.engagement.read_only:
            return []
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [
            Path(u.toLocalFile())
            for u in urls
            if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in EXPORT_SUFFIXES
        ]

    def may_stop_tasks(self, doing: str) -> bool:
        """Ask before stopping running tasks to ``doing``; True when nothing runs or the
        user agrees (the tasks then roll back: nothing is half-saved)."""
        tasks = self.runner.tasks()
        if not tasks and not self.runner.is_busy():
            return True
        title = tasks[0].title if tasks else "A task"
        box = QMessageBox(self)
        box.setWindowTitle("A task is running")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(
            f"“{title}” is still running. Stop it and {doing}? What it was "
            "changing is not saved; the engagement stays as it was before the task."
        )
        stop = box.addButton(f"Stop and {doing}", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is stop

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.may_stop_tasks("close"):
            event.ignore()
            return
        self._release_current()
        super().closeEvent(event)


def _dropped_engagement(event) -> Path | None:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    for url in urls:
        if url.isLocalFile() and url.toLocalFile().endswith(SUFFIX):
            return Path(url.toLocalFile())
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _is_current_engagement(path: Path) -> bool:
    """Whether ``path`` is an engagement of the current schema (the demo can be reused)."""
    try:
        application_id, version = read_header(path)
    except WorkbenchError:
        return False
    return application_id == APPLICATION_ID and version == LATEST_VERSION
