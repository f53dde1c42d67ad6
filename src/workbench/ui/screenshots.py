"""Render every page offscreen to PNG: ``python -m workbench.ui.screenshots OUTDIR``.

Builds (or reuses) the demo engagement, opens a private copy of it, and writes at
1400x900: the start page, every registered page (in sidebar order), the New
engagement dialog and the import wizard. Anyone can look at the UI this way,
without a display.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

SIZE = (1400, 900)
SAMPLE_IMPORT = "opportunities-sample.csv"


def _settle(app) -> None:
    for _ in range(3):
        app.processEvents()


def _save(widget, path: Path, app) -> Path:
    _settle(app)
    widget.grab().save(str(path))
    return path


def render_all(out: Path, demo: Path | None = None) -> list[Path]:
    """Write the PNGs into ``out``; return their paths in order."""
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui import pages as registry
    from workbench.ui.app import application
    from workbench.ui.main_window import MainWindow
    from workbench.ui.new_engagement import NewEngagementDialog
    from workbench.ui.preview import demo_engagement_path
    from workbench.ui.recent import add_recent

    out.mkdir(parents=True, exist_ok=True)
    app = application()
    # Nobody is there to click OK: print any message instead of waiting for a click.
    QMessageBox.exec = lambda box: print(f"message: {box.text()}", file=sys.stderr) or 0
    source = demo or demo_engagement_path()
    work = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    copy = work / source.name
    shutil.copy2(source, copy)
    written: list[Path] = []
    # Never touch the user's own recent list: a private settings folder for the run,
    # with the demo in it so the start page shows what a recent entry looks like.
    previous_config = os.environ.get("WORKBENCH_CONFIG_DIR")
    os.environ["WORKBENCH_CONFIG_DIR"] = str(work / "config")
    add_recent(copy)
    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    try:
        written.append(_save(window, out / "00-start.png", app))
        if not window.open_file(copy):
            raise SystemExit(f"could not open {copy}")
        for number, item in enumerate(registry.PAGES, start=1):
            page = window.show_page(item.key)
            prepare = getattr(page, "prepare_screenshot", None)
            if callable(prepare):
                prepare()
            written.append(_save(window, out / f"{number:02d}-{item.key}.png", app))

        dialog = NewEngagementDialog(window, work)
        dialog.customer.setText("Contoso Manufacturing")
        dialog.jurisdictions.setText("US-CA, US-IL, GB")
        dialog.resize(640, dialog.sizeHint().height())
        dialog.show()
        written.append(_save(dialog, out / "20-new-engagement-dialog.png", app))
        dialog.close()

        wizard = _import_wizard(window, work)
        if wizard is not None:
            _wait_for_tasks(window.runner, app)
            wizard.resize(1100, 760)
            wizard.show()
            written.append(_save(wizard, out / "21-import-wizard.png", app))
            mapping = getattr(wizard, "show_mapping_step", None)
            if callable(mapping):
                mapping()
                written.append(_save(wizard, out / "22-import-mapping.png", app))
            wizard.close()
    finally:
        window.close()
        _settle(app)
        if previous_config is None:
            os.environ.pop("WORKBENCH_CONFIG_DIR", None)
        else:
            os.environ["WORKBENCH_CONFIG_DIR"] = previous_config
        shutil.rmtree(work, ignore_errors=True)
    return written


def _wait_for_tasks(runner, app, timeout_s: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while runner.is_busy() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def _import_wizard(window, work: Path):
    """The Data page's import wizard on a small sample export, if the page has one."""
    from workbench.ui.importing import importers_available

    if not importers_available():
        return None
    from workbench.ui.import_wizard import ImportWizard, write_sample_export

    sample = write_sample_export(work / SAMPLE_IMPORT)
    return ImportWizard(window.context, [sample], parent=window)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workbench.ui.screenshots", description=__doc__.splitlines()[0]
    )
    parser.add_argument("outdir", type=Path, help="folder for the PNG files")
    parser.add_argument(
        "--demo",
        type=Path,
        default=None,
        help="an existing demo engagement to use (default: build or reuse)",
    )
    args = parser.parse_args(argv)
    for path in render_all(args.outdir, args.demo):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
