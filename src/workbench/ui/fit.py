"""Does every visible text fit its widget? The check behind the 1366x768 laptop test.

``clipped_texts(window)`` walks the visible widgets and returns one plain line per
text that does not fit: a label without word wrap narrower than its text, a button
narrower than its caption, a combo box narrower than its current choice, a table
header section narrower than its title, a table cell cut without its whole text on
hover (see ``workbench.ui.celltips``). ``too_big(window, screen)`` says whether the
window asks for more room than the screen has. The screenshots tool prints both, so
anyone rendering the pages sees what a laptop would cut.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabBar,
    QWidget,
)

from workbench.ui.celltips import cut_cells

# Room a button or combo box needs around its text (frame, padding, drop-down arrow).
BUTTON_PADDING = 12
COMBO_PADDING = 28
HEADER_PADDING = 16  # the theme pads header sections 8px each side


def _visible(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _describe(widget: QWidget) -> str:
    names = []
    node = widget
    while node is not None and len(names) < 3:
        name = node.objectName() or type(node).__name__
        names.append(name)
        node = node.parentWidget()
    return "/".join(reversed(names))


def _rich(text: str) -> bool:
    return "<" in text and ">" in text


def _label_problem(label: QLabel) -> str | None:
    if label.wordWrap() or not label.text():
        return None
    if label.textFormat() == Qt.TextFormat.RichText or _rich(label.text()):
        return None
    text = label.text()
    if "\n" in text:
        lines = text.splitlines()
    else:
        lines = [text]
    width = max(label.fontMetrics().horizontalAdvance(line) for line in lines)
    room = label.contentsRect().width() - 2 * label.margin()
    if width > room + 1:
        return f"label {text!r} needs {width}px, has {room}px"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text:
        return None
    width = button.fontMetrics().horizontalAdvance(text)
    if isinstance(button, (QCheckBox, QRadioButton)):
        room = button.width() - 20
    else:
        room = button.width() - BUTTON_PADDING
        if not button.icon().isNull():
            room -= button.iconSize().width()
    if width > room:
        return f"button {text!r} needs {width}px, has {room}px"
    return None


def _combo_problem(combo: QComboBox) -> str | None:
    if combo.isEditable():
        return None
    text = combo.currentText()
    if not text:
        return None
    width = combo.fontMetrics().horizontalAdvance(text)
    room = combo.width() - COMBO_PADDING
    if width > room:
        return f"combo box showing {text!r} needs {width}px, has {room}px"
    return None


def _header_problems(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None or not _visible(header):
        return []
    problems = []
    orientation = header.orientation()
    if orientation != Qt.Orientation.Horizontal:
        return []
    metrics = header.fontMetrics()
    bold = header.font()
    bold.setBold(True)
    from PySide6.QtGui import QFontMetrics

    bold_metrics = QFontMetrics(bold)
    for logical in range(model.columnCount()):
        if header.isSectionHidden(logical):
            continue
        text = model.headerData(logical, orientation, Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        text = str(text)
        width = max(metrics.horizontalAdvance(text), bold_metrics.horizontalAdvance(text))
        room = header.sectionSize(logical) - HEADER_PADDING
        if width > room:
            problems.append(f"column {text!r} needs {width}px, has {room}px")
    return problems


def _page_width_problem(area: QScrollArea) -> str | None:
    """A page may scroll up and down on a short screen, never sideways."""
    page = area.widget()
    if page is None:
        return None
    needed = page.minimumSizeHint().expandedTo(page.minimumSize()).width()
    room = area.viewport().width()
    if needed > room:
        return f"the page needs {needed}px of width, has {room}px (it would scroll sideways)"
    return None


def scaled_screen(width: int, height: int, scale: float) -> QSize:
    """The room a ``width`` x ``height`` screen leaves at ``scale`` (1.25 for 125%):
    1366x768 at 125% is 1092x614 in the pixels a layout works in."""
    return QSize(int(width / scale), int(height / scale))


def clipped_texts(root: QWidget) -> list[str]:
    """One line per visible text in ``root`` that is cut by its widget's width."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _visible(widget):
            continue
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QPushButton | QCheckBox | QRadioButton):
            problem = _button_problem(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo_problem(widget)
        elif isinstance(widget, QAbstractItemView):
            header = getattr(widget, "horizontalHeader", None) or getattr(widget, "header", None)
            if callable(header):
                problems.extend(f"{_describe(widget)}: {p}" for p in _header_problems(header()))
            problems.extend(f"{_describe(widget)}: {p}" for p in cut_cells(widget))
        elif isinstance(widget, QTabBar):
            continue  # tab bars scroll their tabs
        elif isinstance(widget, QScrollArea) and widget.objectName() == "pageScroll":
            problem = _page_width_problem(widget)
        if problem:
            problems.append(f"{_describe(widget)}: {problem}")
    return problems


def too_big(window: QWidget, screen: QSize) -> str | None:
    """Why ``window`` does not fit ``screen`` (its minimum size or its size), or None."""
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    if hint.width() > screen.width() or hint.height() > screen.height():
        return (
            f"the window needs at least {hint.width()}x{hint.height()}, "
            f"the screen is {screen.width()}x{screen.height()}"
        )
    if window.width() > screen.width() or window.height() > screen.height():
        return (
            f"the window grew to {window.width()}x{window.height()}, "
            f"the screen is {screen.width()}x{screen.height()}"
        )
    return None
