"""Entry point of the bundled program: the same ``workbench`` command as ``pip install``.

The Windows ``workbench-gui.exe`` runs without a console, so it has no stdout or
stderr (both are None). There, what the command line would print goes to a buffer,
and a failure (a damaged or locked file double-clicked in Explorer) is shown in a
message box instead of vanishing.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable


def show_message(text: str) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 (keep alive)
    QMessageBox.critical(None, "Workbench", text)


def main(argv: list[str] | None = None, show: Callable[[str], None] = show_message) -> int:
    windowed = sys.stderr is None or sys.stdout is None
    if windowed:
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    from workbench.cli import main as workbench_main

    try:
        code = workbench_main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    if windowed and code:
        text = (sys.stderr.getvalue() or sys.stdout.getvalue()).strip()
        show(text.removeprefix("error: ") or f"Workbench stopped (exit code {code}).")
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
