"""One calm, neutral look for the whole app (Fusion style plus a small stylesheet)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#2f5d8a"
SIDEBAR = "#f1f3f6"
BORDER = "#d8dde3"
MUTED = "#5f6b7a"

STYLESHEET = f"""
QMainWindow, QDialog {{ background: #ffffff; }}
QLabel#pageTitle {{ font-size: 20px; font-weight: 600; color: #1d2733; }}
QLabel#pageSubtitle, QLabel#muted, QLabel#asOf {{ color: {MUTED}; }}
QLabel#sectionTitle {{ font-size: 14px; font-weight: 600; color: #1d2733; }}
QFrame#pageRule {{ color: {BORDER}; background: {BORDER}; max-height: 1px; border: none; }}
QFrame#placeholder {{ background: #f8f9fb; border: 1px dashed {BORDER}; border-radius: 8px; }}
QLabel#placeholderTitle {{ font-size: 16px; font-weight: 600; color: #1d2733; }}
QLabel#placeholderText {{ color: {MUTED}; }}
QLabel#errorBanner {{
    color: #8c1d18; background: #fdecea; border: 1px solid #f3c1bc; border-radius: 4px;
    padding: 8px 12px;
}}
QLabel#emptyState {{
    color: {MUTED}; background: #f8f9fb; border: 1px dashed {BORDER}; border-radius: 6px;
    padding: 24px; font-size: 13px;
}}
QListWidget#sidebar {{
    background: {SIDEBAR}; border: none; padding-top: 8px; font-size: 14px; outline: 0;
}}
QListWidget#sidebar::item {{ padding: 9px 18px; color: #2b3645; border: none; }}
QListWidget#sidebar::item:selected {{
    background: #dfe6ef; color: {ACCENT}; border-left: 3px solid {ACCENT};
}}
QLabel#sidebarCustomer {{ font-size: 14px; font-weight: 600; color: #1d2733; padding: 16px 18px 2px 18px; }}
QLabel#sidebarMeta {{ color: {MUTED}; padding: 0 18px 10px 18px; }}
QWidget#sidebarPane {{ background: {SIDEBAR}; border-right: 1px solid {BORDER}; }}
QPushButton {{ padding: 6px 14px; border: 1px solid #c3cad3; border-radius: 4px; background: #ffffff; }}
QPushButton:hover {{ background: #f1f4f8; }}
QPushButton:disabled {{ color: #9aa4b0; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton#primary:hover {{ background: #274f76; }}
QPushButton#primary:disabled {{ background: #9fb3c8; border-color: #9fb3c8; }}
QPushButton#startAction {{
    text-align: left; padding: 12px 16px; font-size: 14px; border-radius: 6px;
}}
QTableView {{
    border: 1px solid {BORDER}; gridline-color: #eef0f3; selection-background-color: #dbe6f3;
    selection-color: #1d2733; alternate-background-color: #f8f9fb;
}}
QHeaderView::section {{
    background: #f4f6f8; padding: 5px 8px; border: none; border-bottom: 1px solid {BORDER};
    border-right: 1px solid #eceff2; font-weight: 600; color: #33404f;
}}
QLineEdit, QComboBox, QSpinBox {{ padding: 4px 6px; }}
QGroupBox {{ font-weight: 600; border: 1px solid {BORDER}; border-radius: 6px; margin-top: 12px; padding-top: 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QStatusBar {{ border-top: 1px solid {BORDER}; background: #fafbfc; color: #33404f; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 4px; top: -1px; }}
QTabBar::tab {{ padding: 7px 16px; border: 1px solid transparent; color: #33404f; }}
QTabBar::tab:selected {{ border: 1px solid {BORDER}; border-bottom-color: #ffffff; background: #ffffff; color: {ACCENT}; font-weight: 600; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion style (the same on every OS), a light palette and the stylesheet."""
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f8f9fb"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1d2733"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#1d2733"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#f6f7f9"))
    app.setPalette(palette)
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
